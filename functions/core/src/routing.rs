//! Routing: which teams' notify entries a hot lead goes to.

use crate::config::Config;
use crate::model::Lead;
use crate::outbox::Job;

/// A notify job for every notify entry of every team whose channels include the lead's
/// channel, in configuration order; each names its entry by the entry's stable id.
pub fn route(config: &Config, lead: &Lead) -> Vec<Job> {
    config
        .teams
        .iter()
        .filter(|t| t.channels.contains(&lead.channel))
        .flat_map(|t| t.notify.iter().map(move |n| Job::notify(&t.name, &n.id)))
        .collect()
}
