//! The command line as a user runs it: serve with the demo configuration, send,
//! config check, the api token.

use std::process::Command;
use std::time::Duration;

use handoff_tests::*;

fn handoff(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(handoff_bin()).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[tokio::test(flavor = "multi_thread")]
async fn send_posts_signed_demo_deliveries_for_every_demo_source() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(None, &dir.path().join("d"));
    let cases: &[&[&str]] = &[
        &[
            "demo-b2b",
            "--action",
            "demo_request",
            "--email",
            "ana@example.com",
        ],
        &[
            "demo-form",
            "--email",
            "bo@example.com",
            "--message",
            "How much would a new roof cost?",
        ],
        &[
            "demo-shop",
            "--action",
            "add_to_cart",
            "--email",
            "cy@example.com",
            "--name",
            "Cy Doe",
        ],
        &[
            "demo-chat",
            "--action",
            "chat_message",
            "--phone",
            "+44 7700 900123",
            "--message",
            "Can you come and have a look on Friday?",
        ],
    ];
    for args in cases {
        let mut full = vec!["send"];
        full.extend_from_slice(args);
        full.extend_from_slice(&["--url", &s.base]);
        let (code, out, err) = handoff(&full);
        assert_eq!(code, 0, "{args:?}\n{out}\n{err}");
        assert!(out.contains("HTTP 202"), "{out}");
        assert!(out.contains("\"stage\": \"hot\""), "{args:?}: {out}");
    }
    // each demo channel's console team printed it
    let console = eventually(Duration::from_secs(5), || async {
        let t = s.stdout_text();
        (t.matches("HOT LEAD").count() >= 4).then_some(t)
    })
    .await
    .expect("four console notifications");
    assert!(
        console.contains("[web-sales]")
            && console.contains("[cart-sales]")
            && console.contains("[chat-sales]")
    );
    assert!(!console.contains("ana@example.com"));
    // links point at the server that is actually running
    assert!(
        console.contains(&format!("{}/leads/ld_", s.base)),
        "{console}"
    );

    // nurture from the CLI, and a redelivery by id
    let (code, out, _) = handoff(&[
        "send",
        "demo-b2b",
        "--action",
        "newsletter_signup",
        "--email",
        "n@example.com",
        "--delivery-id",
        "fixed-1",
        "--url",
        &s.base,
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("\"stage\": \"nurture\""), "{out}");
    let (code, out, _) = handoff(&[
        "send",
        "demo-b2b",
        "--action",
        "newsletter_signup",
        "--email",
        "n@example.com",
        "--delivery-id",
        "fixed-1",
        "--url",
        &s.base,
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("HTTP 200") && out.contains("\"duplicate\": true"),
        "{out}"
    );

    // a bad action is refused before anything is sent
    let (code, _, err) = handoff(&[
        "send",
        "demo-b2b",
        "--action",
        "buy_now",
        "--email",
        "x@example.com",
        "--url",
        &s.base,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("add_to_cart"), "{err}");
}

#[test]
fn config_check_accepts_the_example_and_lists_every_problem() {
    let example = repo_root().join("handoff.example.toml");
    let (code, out, err) = Command::new(handoff_bin())
        .args(["config", "check"])
        .arg(&example)
        .env(
            "HANDOFF_WEBSITE_SECRET",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        )
        .env(
            "HANDOFF_CRM_SECRET",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        )
        .env(
            "HANDOFF_MARKETING_SECRET",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        )
        .env("HANDOFF_TYPEFORM_SECRET", "plain-secret-0123456789")
        .env("HANDOFF_SHOPIFY_SECRET", "plain-secret-0123456789")
        .env("HANDOFF_INTERCOM_SECRET", "plain-secret-0123456789")
        .env("HANDOFF_API_TOKEN", "t")
        .env("HANDOFF_LINK_SECRET", "an-example-link-secret-0123456789")
        .env("HANDOFF_CHAT_SALES_KEY", "chat-sales-key-0123456789")
        .env(
            "HANDOFF_SLACK_SIGNING_SECRET",
            "8f742231b10e8888abcd99yyyzzz85a5",
        )
        .output()
        .map(|o| {
            (
                o.status.code().unwrap(),
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(": ok"), "{out}");
    // the example has a default team: no channel is left uncovered
    assert!(!err.contains("warning"), "{err}");

    // channels no team takes are a warning, not an error (exit 0)
    let dir0 = tempfile::tempdir().unwrap();
    let partial = dir0.path().join("partial.toml");
    std::fs::write(
        &partial,
        "[[source]]\nid = \"a\"\nprovider = \"typeform\"\nbusiness = \"b2b\"\nchannel = \"web_form\"\nsecret = \"tf-secret-0123456789\"\n\n[[team]]\nname = \"t\"\nchannels = [\"web_form\"]\n[[team.notify]]\nkind = \"console\"\n",
    )
    .unwrap();
    let (code, out, err) = handoff(&["config", "check", partial.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("warning: ") && err.contains("no team takes cart leads"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[source]]\nid = \"a\"\nprovider = \"typefrom\"\nbusiness = \"b2b\"\nchannel = \"web_form\"\nsecret = \"s\"\n\n[[team]]\nname = \"t\"\nchannels = [\"fax\"]\n[[team.notify]]\nkind = \"webhook\"\n",
    )
    .unwrap();
    let (code, _, err) = handoff(&["config", "check", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("bad.toml:3:12: source[0].provider"), "{err}");
    assert!(err.contains("bad.toml:10:13: team[0].channels[0]"), "{err}");
    assert!(
        err.contains("team[0].notify[0].url: webhook needs a url"),
        "{err}"
    );
    assert!(err.contains("3 problem(s)"), "{err}");

    // serve refuses the same file with the same messages
    let (code, _, err2) = handoff(&[
        "serve",
        "--config",
        bad.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(code, 1);
    assert!(err2.contains("bad.toml:3:12: source[0].provider"), "{err2}");
}

#[tokio::test(flavor = "multi_thread")]
async fn read_routes_need_the_api_token_when_one_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = "[server]\napi_token_env = \"TEST_TOKEN\"\n\n[[source]]\nid = \"s\"\nprovider = \"typeform\"\nbusiness = \"b2b\"\nchannel = \"web_form\"\nsecret = \"tf-secret-0123456789\"\n";
    let s = Server::start_with(
        Some(cfg),
        &dir.path().join("d"),
        &[("TEST_TOKEN", "tok-123")],
    );
    let c = reqwest::Client::new();
    for path in [
        "/leads",
        "/leads/ld_x",
        "/deliveries?state=dead",
        "/deliveries/rejected",
    ] {
        let (st, b) = get(&c, &s.url(path), None).await;
        assert_eq!(
            (st, b["error"].as_str()),
            (401, Some("unauthorized")),
            "{path}"
        );
        let (st, _) = get(&c, &s.url(path), Some("wrong")).await;
        assert_eq!(st, 401, "{path}");
    }
    let (st, _) = get(&c, &s.url("/leads"), Some("tok-123")).await;
    assert_eq!(st, 200);
    let (st, _) = get(&c, &s.url("/healthz"), None).await;
    assert_eq!(st, 200, "health stays public");
}

#[test]
fn serve_refuses_a_public_address_without_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = handoff(&[
        "serve",
        "--listen",
        "0.0.0.0:0",
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("api_token"), "{err}");
}

/// `handoff deliveries list` / `redrive` against a running server with a token: the
/// token comes from --token or HANDOFF_API_TOKEN, a dead letter is listed and re-driven.
#[tokio::test(flavor = "multi_thread")]
async fn deliveries_list_and_redrive_talk_to_the_running_server() {
    let hook = Receiver::start(1, 503).await; // the first attempt fails, then 200
    let dir = tempfile::tempdir().unwrap();
    let cfg = format!(
        "[server]\napi_token_env = \"TEST_TOKEN\"\n\n[delivery]\nmax_attempts = 1\n\n\
         [[source]]\nid = \"s\"\nprovider = \"typeform\"\nbusiness = \"b2b\"\nchannel = \"web_form\"\nsecret = \"tf-secret-0123456789\"\n\n\
         [[team]]\nname = \"web\"\nchannels = [\"web_form\"]\n[[team.notify]]\nid = \"crm\"\nkind = \"webhook\"\nurl = \"{}\"\n",
        hook.url("/crm")
    );
    let s = Server::start_with(
        Some(&cfg),
        &dir.path().join("d"),
        &[("TEST_TOKEN", "tok-123")],
    );
    let cfg_file = dir.path().join("cfg.toml");
    std::fs::write(&cfg_file, &cfg).unwrap();
    let sent = Command::new(handoff_bin())
        .args([
            "send",
            "s",
            "--action",
            "quote_request",
            "--email",
            "q@example.com",
        ])
        .args(["--config", cfg_file.to_str().unwrap(), "--url", &s.base])
        .env("TEST_TOKEN", "tok-123")
        .output()
        .unwrap();
    assert_eq!(sent.status.code(), Some(0), "{sent:?}");
    let listed = eventually(Duration::from_secs(10), || async {
        let (code, out, _) = handoff(&[
            "deliveries",
            "list",
            "--state",
            "dead",
            "--url",
            &s.base,
            "--token",
            "tok-123",
        ]);
        (code == 0 && out.contains("\tdead\t")).then_some(out)
    })
    .await
    .expect("the dead letter is listed");
    let id = listed.split('\t').next().unwrap().to_string();
    assert!(id.ends_with(".web.crm"), "{listed}");
    assert!(listed.contains("503"), "{listed}");

    // without a token: refused, and said so
    let out = Command::new(handoff_bin())
        .args(["deliveries", "list", "--url", &s.base])
        .env_remove("HANDOFF_API_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unauthorized"));

    // the token from the environment; only dead letters of team "web"
    let out = Command::new(handoff_bin())
        .args([
            "deliveries",
            "redrive",
            "--all-dead",
            "--team",
            "web",
            "--url",
            &s.base,
        ])
        .env("HANDOFF_API_TOKEN", "tok-123")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(&format!("{id}\tredriven")), "{text}");
    let got = hook.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 1, "sent after the re-drive");
    assert_eq!(got[0].header("webhook-id"), Some(id.as_str()));

    // re-driving it again: it was sent, so 409 and exit 1
    let (code, _, err) = handoff(&[
        "deliveries",
        "redrive",
        &id,
        "--url",
        &s.base,
        "--token",
        "tok-123",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("409") && err.contains("not_dead"), "{err}");
}
