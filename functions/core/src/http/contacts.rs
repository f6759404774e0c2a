//! `GET /contacts/{id}`: one person across sources — every lead of the contact, newest
//! first, each with its outcome and timeline (admin token).

use serde_json::json;

use super::{ApiError, HandlerFuture, Params, Request, Response};
use crate::app::App;
use crate::store::LeadQuery;

/// The most leads one contact answer lists.
const MAX_LEADS: usize = 500;

pub fn get<'a>(app: &'a App, _: Request<'a>, p: Params<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let id = p.get("id");
        let mut leads = Vec::new();
        let mut cursor = None;
        loop {
            let page = app
                .store
                .list_leads(&LeadQuery {
                    limit: 100,
                    cursor,
                    contact: Some(id.to_string()),
                    ..Default::default()
                })
                .await?;
            leads.extend(page.items);
            match page.next {
                Some(n) if leads.len() < MAX_LEADS => cursor = Some(n),
                _ => break,
            }
        }
        let Some(latest) = leads.first() else {
            return Err(ApiError::not_found(format!("no contact {id}")));
        };
        let region = app
            .config()
            .sources
            .get(&latest.source_id)
            .and_then(|s| s.default_region.clone());
        let who = crate::contacts::identify(&latest.contact, region.as_deref());
        let config = app.config();
        let changes = crate::contacts::stages(&config, &leads);
        let mut sources: Vec<&str> = leads.iter().map(|l| l.source_id.as_str()).collect();
        sources.sort_unstable();
        sources.dedup();
        Ok(Response::json(
            200,
            json!({
                "id": id,
                "email": who.as_ref().and_then(|w| w.email.clone()),
                "phone": who.as_ref().and_then(|w| w.phone.clone()),
                "name": leads.iter().find_map(|l| l.contact.name.clone()),
                "company": leads.iter().find_map(|l| l.contact.company.clone()),
                "stage": changes.last().map(|c| c.stage),
                "stage_changes": changes,
                "sources": sources,
                "first_seen": leads.last().map(|l| l.received_at),
                "last_seen": latest.received_at,
                "leads": leads,
            }),
        ))
    })
}
