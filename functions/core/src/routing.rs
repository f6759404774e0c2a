//! Routing: which teams' notify entries a hot lead goes to.

use crate::config::Config;
use crate::model::Lead;

/// `(team name, notify index)` for every notify entry of every team whose channels
/// include the lead's channel, in configuration order.
pub fn route<'c>(config: &'c Config, lead: &Lead) -> Vec<(&'c str, usize)> {
    config
        .teams
        .iter()
        .filter(|t| t.channels.contains(&lead.channel))
        .flat_map(|t| (0..t.notify.len()).map(move |i| (t.name.as_str(), i)))
        .collect()
}
