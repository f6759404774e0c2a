//! Portuguese word lists (Brazilian and European): one [`Language`] for the engine (see
//! [`Language`] for what each list is for and the pattern syntax).
//!
//! Accents fold (`orçamento` → `orcamento`, `não` → `nao`, `têm` → `tem`) and hyphenated
//! clitics split (`liguem-me` → `liguem me`); the patterns are written in that form. Words
//! spelled as in Spanish (`comprar`, `reserva`, `visita`, `agendar`, `urgente`, `garantia`)
//! are already in the Spanish list and fire here too.
//!
//! `no` is a contraction here ("no sábado", "no tamanho 42") and a negator in English and
//! Spanish: the words that follow the contraction are listed in `not_negating_next`.

use super::Language;

pub(crate) const PT: Language = Language {
    // ── hot phrases, one list per topic ──
    price: &[
        "preco|precos|precario|precarios", // qual o preço, tabela de preços
        // "quanto custa / quanto fica / quanto cobram" — not "quanto tempo", "o quanto antes"
        "quanto|quanta|quantos|quantas !tempo|antes|mais|menos|a|ao|aos|as|dias|horas|semanas|meses|anos .. custa|custam|custaria|custariam|custara|custarao|custar|cobram|cobra|cobraria|cobrariam|cobrar|cobrarao|pago|pagaria|pagariamos|pagar|pagamos|sai|sairia|saem|sairiam|fica|ficaria|ficam|ficariam|vale|valem|vendem|vende|fazem|fariam",
        "quanto e|seria|sera !tempo|grande|longe|dificil|facil|possivel", // quanto é?
        "por quanto !tempo", // por quanto vocês fazem?
        "custa|custam|custaria|custariam|custara|custarao|custo|custos",
        "cobram|cobrariam|cobrarao|cobraria",
        "qual|quais .. valor|valores", // qual seria o valor?
        "o|os valor|valores do|da|dos|das|de|para|por",
        "valor|valores aproximado|aproximados|estimado|total|final|mensal|anual|hora|unitario|por",
        "tarifario|tarifarios|mensalidade|mensalidades|anuidade",
        "taxa|taxas de entrega|envio|instalacao|deslocacao|deslocamento|servico|adesao|visita|urgencia|montagem",
        "frete|fretes", // quanto fica o frete para Curitiba?
        "portes de envio|entrega", // PT-PT: portes
        "portes para|gratis|gratuitos|incluidos",
        "os portes",
        "desconto|descontos",
        "promocao|promocoes .. vale|valida|aplica|ainda|continua|inclui",
        "parcelar|parcelamento|parcelado|parcelada|parcelo|parcelas|prestacoes",
        "sem juros",
        "em # vezes|prestacoes|parcelas", // em 10 vezes sem juros
        "mais barato|barata|baratos|baratas|economico|economica",
        "mais em conta",
    ],
    quote: &[
        "orcamento|orcamentos|orcar|orcarem|orcamentacao",
        "cotacao|cotacoes|cotar|cotarem",
        "proposta comercial|tecnica|financeira|personalizada|detalhada|formal",
        "proposta de preco|precos|valores|orcamento",
        "uma|sua|vossa|melhor|nova proposta|oferta",
        "estimativa|estimativas",
        "pregao",
        "concorrencia publica",
    ],
    demo: &[
        "demonstracao|demonstracoes|demonstrar",
        "teste gratis|gratuito|gratuita",
        "periodo|versao|conta de teste|avaliacao|experiencia", // período de teste
        "aula|aulas experimental|experimentais|gratis|gratuita",
        "testar|experimentar .. sistema|plataforma|software|produto|ferramenta|aplicativo|app|solucao|programa",
        "amostra|amostras", // amostras antes de encomendar
        "mostrar|ver|entender .. como funciona|funcionam",
        "apresentacao .. produto|sistema|plataforma|software|solucao|ferramenta|servicos",
    ],
    visit: &[
        "agendamento|agendem|agendarmos|agendaria", // agendar: see the Spanish list
        "marcar|marcamos|marque|marquem|marcacao .. consulta|horario|visita|avaliacao|hora|reuniao|encontro|conversa|medicao",
        "vistoria|vistorias|inspecao|inspecionar",
        "medicao|medicoes",
        "tirar|tirarem|tire .. medidas",
        "podem|poderiam|pode|poderia|conseguem|conseguiriam|consegue .. vir|passar", // podem vir aqui?
        "vir ver|avaliar|medir|orcar|olhar",
        "dar um pulo",
        "passar|ir .. loja|showroom|escritorio|atelie|atelier",
        "reuniao|reunioes",
        "consultoria",
        "avaliacao presencial|gratuita|tecnica",
        "avaliacao no local",
    ],
    availability: &[
        "disponivel|disponiveis|disponibilidade",
        "estao|esta|estariam|estaria|estas .. livre|livres",
        "livre|livres no|na|amanha|hoje|sabado|domingo|segunda|terca|quarta|quinta|sexta|semana|dia|esta|este|proximo|proxima",
        "tem|teria|teriam|ha|existe .. horario|horarios|vaga|vagas|agenda|disponibilidade|mesa|mesas", // tem vaga sábado?
        "vaga|vagas para|pra|amanha|hoje|sabado|domingo|esta|essa|proxima",
        "mesa|mesas para #|dois|duas|tres|quatro|cinco|seis|oito|dez",
        "estoque", // tem em estoque?
        "em stock",
        "pronta entrega",
        "tamanho|tamanhos|numeracao #|p|m|g|gg|xg|pp|xs|s|l|xl|xxl|unico",
        "qual|que tamanho|tamanhos|numeracao", // que tamanho me serve?
        "outra|outras|outro|outros cor|cores|tamanho|tamanhos|modelo|modelos|numeracao|versao|versoes",
        "na|em cor|cores|tamanho|tamanhos|numeracao|versao",
        "ainda tem|ha|existe|disponivel|disponiveis|vende|vendem",
        "esta|estao|ainda|continua|continuam a venda", // ainda está à venda?
        "esgotado|esgotada|esgotados|esgotadas|esgotou|reposicao",
        "compativel|compativeis|compatibilidade",
        "serve no|na|em|para", // serve no meu carro?
        // indirect: vocês conseguem fazer até junho? dá para vir sábado?
        "conseguem|conseguiriam|conseguiria|consegue .. fazer|atender|entregar|instalar|montar|encaixar|terminar|preparar|organizar",
        "da|daria pra|para .. fazer|vir|atender|entregar|instalar|comecar|marcar",
        "tem como .. fazer|entregar|enviar|parcelar|personalizar|receber|retirar|reservar",
        "e|seria|sera possivel .. fazer|ter|receber|retirar|entregar|enviar|vir|marcar|comprar|pagar|parcelar|personalizar|reservar",
        // vocês fazem mudanças? — not "o que vocês fazem"
        "<!que voces|vcs|voce|vc .. fazem|fariam|faz|faria|realizam|trabalham|atendem|instalam|montam|executam",
        "atendem|atende em|na|no|domicilio|sabado|sabados|domingo|domingos|fim|regiao|cidade", // vocês atendem em Campinas?
        "da|daria|dava .. jeito", // PT-PT: dá-vos jeito segunda?
        "fica|ficaria bom|melhor para|pra voce|voces|vcs|vc", // fica bom pra você segunda?
    ],
    start: &[
        "quando .. comecar|comecam|comecariam|iniciar|iniciam|iniciariam|vir|viriam|vem|podem|poderiam|instalar|instalam|entregar|entregam|entregariam|chega|chegaria|chegam",
        "quanto antes", // o quanto antes
        "mais rapido|breve|cedo possivel",
        "assim|logo que possivel",
        "com urgencia", // urgente, urgencia: see the Spanish list
        "urgentemente|emergencia|emergencias",
        "prazo|prazos de|para entrega|execucao|realizacao|conclusao|instalacao|envio|producao|fabrico|fabricacao|obra",
        "qual|quais o|os|e prazo|prazos",
        "qual|quais prazo|prazos",
        "em quanto tempo",
        "quanto|quantos tempo|dias .. demora|leva|levaria|demoraria|demoram|levam|chega|chegaria|entrega|entregam",
        "data de inicio",
        "previsao de entrega|chegada",
    ],
    purchase: &[
        "compro|comprariamos|comprarmos|adquiriria", // comprar, compraria, adquirir: see the Spanish list
        "encomendar|encomendaria|encomendariamos|encomendo",
        "fazer|realizar|efetuar|fazermos um|uma|o|a pedido|encomenda|compra", // fazer uma encomenda
        "fechar|fecharmos|fechamos .. negocio|contrato|pedido|compra|pacote|servico|orcamento|proposta",
        "atacado|atacadista",
        "por grosso",
        "para revenda",
        "carrinho",
        // procuro alguém para…, precisamos de uma empresa que…
        "procuro|procuramos|procurando|preciso|precisamos|busco|buscamos .. alguem|empresa|profissional|profissionais|tecnico|eletricista|canalizador|encanador|pintor|pedreiro|jardineiro|diarista|faxineira|marceneiro|serralheiro|fotografo",
        "pagar|pago|pagamento|pagaria .. cartao|pix|boleto|mbway|multibanco|paypal|transferencia|dinheiro|prestacoes|parcelado|vista|credito|debito",
        "formas|metodos|meios|opcoes|condicoes de pagamento",
        "aceitam|aceita|aceitariam .. cartao|cartoes|pix|boleto|mbway|multibanco|paypal|cheque|credito|debito|transferencia",
        "entregam|enviam|entregariam|enviariam|despacham", // entregam em Braga?
        "envios|entrega|entregas para|pra|ate|em|no|na",
        "fazem|faz entrega|entregas|envio|envios",
        "vendem|vendes", // vocês vendem peças?
        "fico|ficamos com .. este|esta|esse|essa|estes|estas|esses|essas|ambos|ambas|dois|duas|tres|#", // fico com os dois
        "levo|levamos|levarei|levaremos este|esta|esse|essa|dois|duas|tres|#|ambos|ambas",
        "assinar .. plano|contrato|pacote|servico|proposta",
        "repetir .. pedido|encomenda|compra", // the same again
        // buying more, upgrading
        "# licencas|licenca|assentos",
        "adicion*|acrescent*|aument* .. licenc*|usuari*|utilizador*|assent*|postos",
        "plano|pacote|versao superior|premium|pro|empresarial|business|enterprise|anual|completo|completa",
        "mudar|migrar|passar|trocar para|pro .. plano|pacote|versao",
        // accepting a quote
        "aceit*|aprov* .. orcamento|proposta|cotacao|oferta|condicoes|valores",
        "orcamento|proposta|cotacao|oferta|valores|condicoes aprovad*|aceit*|fechad*",
        "pode|podem|podemos|vamos|bora seguir|avancar|prosseguir|fechar",
        "dar andamento",
        "negocio fechado",
        "fechado o negocio",
        "mandem|enviem|envie|mande|manda|envia .. contrato|proforma|boleto|pix|nib|iban",
        "link de|para pagamento",
        "chave pix",
        "dados bancarios",
        "dados para pagamento|transferencia|deposito",
        // gift wrap, gift cards, click & collect
        "embrulho|embrulhos|embrulhar|embrulham|embrulhado|embrulhada",
        "para presente|oferta", // PT-PT: para oferta
        "de presente",
        "vale|cartao presente|oferta",
        "retirar|retirada|levantar|levantamento|recolher|recolha|buscar .. loja|lojas|balcao|showroom",
    ],
    callback: &[
        "liguem|telefonem", // liguem amanhã
        "liguem|ligue|telefonem|telefone me", // liguem-me
        "me|nos liguem|ligue|ligar|ligam|liga|ligarem|ligassem|telefonem|contatem|contactem|contate|contacte|contatar|contactar|chamem|chame|retornem|retorne",
        "ligue|ligar|ligarem me|pra|para|amanha|hoje|depois",
        "retornar|retorne|retornem|retornarem .. ligacao|chamada|contato|contacto",
        "entrar|entrem|entre|entrassem em contato|contacto",
        "contatem|contactem|contatar|contactar|contate|contacte me|comigo",
        "falar|conversar com .. vendedor|vendedora|comercial|consultor|consultora|alguem|atendente|representante|gerente|especialista|setor|departamento|equipe|equipa|responsavel",
        "uma|marcar|agendar ligacao|chamada|call|videochamada|conversa",
        "meu numero|telefone|celular|telemovel|whatsapp",
        "pelo|por telefone|whatsapp|zap",
        "setor|departamento|equipe|equipa comercial",
        "setor|departamento|equipe|equipa de vendas",
    ],
    // ── negation ──
    negators: "nao|nunca|nenhum|nenhuma|nem|jamais",
    final_negators: "",
    // não sei quanto custa, não encontro o preço; "no" + noun is the contraction (no sábado)
    not_negating_next: "sei|sabemos|sabia|sabiamos|encontro|encontrei|encontramos|vejo|achei|consigo|conseguimos|consegui|apenas|somente|hesitem|hesite|urgente|sabado|domingo|dia|fim|mes|ano|proximo|proxima|momento|caso|inicio|meu|nosso|seu|valor|carrinho|tamanho|estoque|cartao|pix|boleto|whatsapp|email|telefone|brasil|porto|centro|local|endereco|horario|periodo|mesmo|modelo|prazo|natal|verao|primeiro|segundo|total",
    not_negating_prev: "ou", // urgente ou não
    interjection: "nao",
    // not "nos": "não nos interessa"
    pronoun: "eu",
    // no "e": it also stands for "é" ("não é preciso orçamento")
    conjunctions: "mas|porem|contudo|todavia|entretanto",
    need_words: "precis*|necessari*|interess*|obrigatori*",
    // ── decline → support → not a buyer, then masks ──
    decline: &[
        "nao .. interess*", // não temos interesse, não me interessa
        "sem interesse",
        "nao , obrigado|obrigada|obg|brigado|brigada",
        "muito|demasiado|bastante|bem caro|cara|caros|caras|salgado|salgada",
        "caro|cara|caros|caras demais",
        "fora|acima .. orcamento|orcamentos|possibilidades", // fora do orçamento
        "outra|outro|outras|outros empresa|empresas|fornecedor|fornecedores|profissional|profissionais|prestador|agencia|parceiro|concorrente",
        "fechamos|fechei|contratamos|contratei|optamos|optei .. outra|outro|outras|outros|alguem|concorren*",
        "escolhemos|escolhi|encontramos|encontrei .. alguem|concorren*",
        "ja temos|tenho .. fornecedor|empresa|alguem|parceiro|agencia|prestador",
        // postponements: vou pensar, vamos avaliar, mais pra frente
        "vou|vamos|preciso|precisamos pensar|avaliar|analisar|refletir",
        "vou|vamos|preciso|precisamos .. pensar",
        "pensar melhor",
        "mais pra|para .. frente",
        "deixar|deixa|deixamos|deixemos pra|para depois|mais",
        "adiar|adiamos|adiado|adiada",
        "agora|enquanto|momento nao", // por enquanto não
        "nao .. prosseguir|avancar|avancaremos|prosseguiremos",
        "decidimos|decidi nao",
        "nao temos|tenho condicoes",
        // only looking
        "por curiosidade",
        "so|apenas .. pesquisando|olhando",
        // unsubscribe, stop contacting
        "descadastr*|desinscrev*",
        "cancelar|sair .. newsletter|lista|mailing|emails",
        "parar de receber",
        "parem|pare de .. enviar|mandar|ligar|escrever|contatar|contactar",
        "nao .. enviem|mandem|liguem|contactem|contatem|escrevam|incomodem|insistam",
        "remov*|retir*|tir* .. lista|mailing|newsletter",
        "isto|isso e spam",
    ],
    support: &[
        // meu pedido, minha encomenda, nossa fatura
        "meu|minha|meus|minhas|nosso|nossa|nossos|nossas pedido|pedidos|encomenda|encomendas|compra|compras|conta|fatura|faturas|nota|recibo|reserva|agendamento|assinatura|senha|reembolso|devolucao|entrega|pacote|cadastro|boleto|pagamento|garantia|contrato|subscricao|consulta|login|estorno|troca !de", // not "meu pedido de orçamento"
        "numero|codigo do|de pedido|encomenda|rastreio|rastreamento|fatura|protocolo|reserva",
        "pedido|encomenda|fatura|protocolo #|n|nr|numero", // pedido 5120
        "nao .. chegou|chegaram|entregue|entregues|entregaram|veio|vieram",
        "nao .. recebi|recebemos|recebido|recebida .. pedido|encomenda|produto|produtos|pacote|reembolso|dinheiro|estorno|item|itens|mercadoria|compra|codigo|rastreio|nota|fatura|boleto|confirmacao|email",
        "onde esta|estao|anda|andam|foi|fica .. pedido|encomenda|pacote|reembolso|estorno", // onde está meu pedido?
        "rastreio|rastreamento|rastrear",
        "devolucao|devolucoes|devolvo|estorno|estornar|estornado|estornaram|reembolsar|reembolsado",
        "trocar|troca .. tamanho|numero|produto|peca|cor|item|modelo",
        "cancelar|cancelamento .. pedido|compra|encomenda|assinatura|reserva|agendamento|conta|contrato|meu|minha|subscricao|plano",
        "excluir|apagar|encerrar|fechar|desativar .. conta|cadastro|perfil|dados",
        "ja .. paguei|pagamos|pago|paga|transferi|transferimos|renovei|renovamos|efetuei|efetuamos|comprei|compramos|encomendei|encomendamos",
        "fiz|fizemos|efetuei|efetuamos|realizei|realizamos .. pedido|encomenda|compra|pagamento|reserva|agendamento|transferencia !de", // not "fiz um pedido de orçamento"
        "paguei",
        "pagamento .. confirmado|recebido|aprovado|efetuado|duplicado|dobro|pendente",
        "cobrad*|cobraram .. duas|dobro|duplicad*|indevid*|errad*",
        "cobraram|cobrado|cobrada a mais", // cobrado a mais
        "cobranca .. duplicad*|indevid*|errad*|dobro",
        "chegou|chegaram|veio|vieram|recebi|recebemos|entregue|entregaram .. quebrado|quebrada|quebrados|danificado|danificada|defeito|defeituoso|defeituosa|errado|errada|incompleto|incompleta|avariado|avariada|partido|partida|riscado|riscada|amassado|amassada|aberto|aberta|faltando",
        "produto|peca|item|artigo|aparelho .. defeito|defeituoso|defeituosa|avariado|avariada",
        "fatura|recibo|nota|boleto .. errad*|erro|incorret*|duplicad*",
        "segunda via",
        "senha|login|logar",
        "nao .. acessar|logar",
        "reclamacao|reclamacoes|reclamar|queixa|queixas",
        "assistencia tecnica",
        "renovacao|renovar .. assinatura|contrato|plano|licenca|subscricao",
        "renovacao automatica",
        "reagendar|remarcar|desmarcar",
        "alterar|mudar .. agendamento|consulta|reserva|entrega|endereco|pedido|encomenda",
        // finished work: "o piso que vocês colocaram"
        "voces|vcs instalaram|montaram|executaram|colocaram|pintaram|repararam|consertaram",
        "exportar|baixar|descarregar .. dados|faturas|historico|relatorio",
    ],
    not_buyer: &[
        // job seekers
        "vaga|vagas de|para emprego|trabalho|estagio|estagiario|aprendiz",
        "vagas abertas",
        "curriculo|curriculum|candidatura|candidatar|estagiario|estagiaria|emprego|empregos",
        "procuro|procurando|busco|buscando emprego|trabalho|estagio|oportunidade",
        "procuro|busco um|uma emprego|trabalho|estagio|oportunidade",
        "jovem aprendiz",
        "trabalhar para voces|vcs|vos",
        "fazer parte .. equipe|equipa|time",
        "salario|salarios|remuneracao",
        "estao contratando|recrutando",
        // vendors pitching
        "oferecemos|fornecemos|desenvolvemos|prestamos|criamos",
        "ajudamos .. empresas|negocios|marcas|lojas|clinicas|clientes",
        "somos especializados|especialistas|lideres",
        "nossa|nosso agencia|empresa|equipe|equipa|solucao|plataforma|servico .. oferece|ajuda|desenvolve|fornece|cria|presta|especializada",
        "ajudar|aumentar|melhorar|alavancar|impulsionar|triplicar|dobrar .. sua|seu|vossa|vosso empresa|negocio|vendas|marca|loja|clinica|site|presenca|faturamento",
        "oferecer|propor .. nossa|nosso|nossos|nossas|parceria",
        "tenho|temos uma proposta|oportunidade",
        "parceria|parcerias",
        "ser|tornar|tornarmos|virar .. revendedor|revendedores|distribuidor|distribuidores|parceiro|parceiros|afiliado|afiliados|fornecedor|fornecedores",
        "afiliado|afiliados",
        "somos fabricantes|fornecedores|produtores",
        // press, events, students, investors
        "patrocinar|jornalista|reportagem|tcc|tese|monografia|dissertacao|questionario|estudante|universitario|universitaria",
        "trabalho|pesquisa de|da|para .. faculdade|escola|universidade|mestrado|doutorado",
        "conclusao de curso",
        "pesquisa academica",
        "pesquisa de mercado",
        "convidar|convite|convidamos .. evento|palestra|feira|painel|webinar|podcast|congresso",
        "investidor|investidores|acionista|acionistas",
    ],
    mask: &[
        // obrigado pelo orçamento: already happened
        "obrigado|obrigada|agradeco|agradecemos|grato|grata .. pelo|pela|por .. orcamento|demo|proposta|ligacao|visita|reuniao|apresentacao|contato|retorno|atendimento|disponibilidade|cotacao|demonstracao",
        // sign-offs: fico à disposição, estou disponível para esclarecimentos
        "fico|ficamos|estou|estamos|permaneco|permanecemos|sigo|seguimos|continuo|continuamos .. disposicao|disponivel|disponiveis",
        "disponivel|disponiveis para .. esclarecimento|esclarecimentos|duvidas|informacoes|qualquer|outras|mais",
        "ultima|ultimo|anterior|passada|passado .. visita|consulta|entrega|compra|reuniao|pedido", // a past visit
        "visitar|visite|visitem|visitei|visita .. site|pagina|perfil|blog|instagram|canal|linkedin|facebook",
        "horario|horarios de funcionamento|atendimento",
    ],
};
