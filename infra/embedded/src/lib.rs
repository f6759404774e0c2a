//! The embedded store: [`LeadStore`](handoff_core::store::LeadStore) on
//! [redb](https://www.redb.org), one file (`handoff.redb`) in a directory, for
//! `handoff serve` and tests. No services needed.
//!
//! Layout (every key is a string that sorts the way it is read; `ts` is [`time_key`],
//! fixed-width RFC 3339 that sorts chronologically — the DynamoDB store's form too):
//!
//! | table              | key                              | value                          |
//! |--------------------|----------------------------------|--------------------------------|
//! | `leads`            | lead id                          | lead JSON                      |
//! | `lead_time`        | `{scope}\|{received ts}\|{id}`   | lead id (scope `all`, `hot`, `nurture`) |
//! | `raw`              | lead id                          | `{expiry ts}` + raw body        |
//! | `raw_expiry`       | `{expiry ts}\|{lead id}`         | lead id                        |
//! | `rejected`         | sequence number (u64)            | rejected delivery JSON         |
//! | `notifications`    | notification id                  | notification JSON              |
//! | `notification_due` | `{next_attempt ts}\|{id}`        | id — pending ones only         |
//! | `notification_lead`| `{lead id}\|{id}`                | id                             |
//! | `notification_time`| `{scope}\|{created ts}\|{id}`    | id (scope `all` or the state)  |
//! | `meta`             | `format`                         | on-disk format version (u64)   |
//!
//! Only `leads`, `raw`, `rejected` and `notifications` hold data; every other table is an
//! index of them. [`FORMAT`] is recorded in `meta`: a store without it (written before
//! it existed, with time keys of sign-flipped seconds + nanoseconds) or with an older
//! one is upgraded by [`EmbeddedStore::open`] — raw expiries rewritten, every index
//! rebuilt from the data tables — in one transaction, so a crash leaves the old store.
//!
//! Newest-first listings read the time indexes backwards; a lead cursor is the hex of
//! the last index key shown (`{stage or all}|{ts}|{id}`), so it only continues its own
//! listing. Each call is one redb transaction run on tokio's
//! blocking pool; redb serialises write transactions, so `insert_lead`'s "check the id is
//! absent, then write everything" is atomic and concurrent inserts of one id create once.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use handoff_core::model::{Lead, Stage};
use handoff_core::store::keys::{time_key, TIME_KEY_LEN};
use handoff_core::store::{
    Attempt, DeliveryQuery, DeliveryState, Inserted, Lanes, LeadQuery, LeadUpdate, Leads, NewLead,
    Notification, Outbox, Page, RawPayloads, Redrive, RejectedDelivery, RejectedLog, StoreError,
    TeamState, Updated, REJECTED_LOG_CAPACITY,
};
use redb::{
    Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition,
    WriteTransaction,
};

const LEADS: TableDefinition<&str, &[u8]> = TableDefinition::new("leads");
const LEAD_TIME: TableDefinition<&str, &str> = TableDefinition::new("lead_time");
const RAW: TableDefinition<&str, &[u8]> = TableDefinition::new("raw");
const RAW_EXPIRY: TableDefinition<&str, &str> = TableDefinition::new("raw_expiry");
const REJECTED: TableDefinition<u64, &[u8]> = TableDefinition::new("rejected");
const NOTIFICATIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("notifications");
const NOTIFICATION_DUE: TableDefinition<&str, &str> = TableDefinition::new("notification_due");
const NOTIFICATION_LEAD: TableDefinition<&str, &str> = TableDefinition::new("notification_lead");
const NOTIFICATION_TIME: TableDefinition<&str, &str> = TableDefinition::new("notification_time");
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// Team name → its routing state (JSON), written with each lead the team assigns.
const TEAM_STATES: TableDefinition<&str, &[u8]> = TableDefinition::new("team_states");

/// The on-disk format this version writes, recorded in `meta` under `format`:
/// 2 — time keys are RFC 3339 ([`time_key`]). Format 1 (no `meta` entry) keyed times as
/// 20 digits of sign-flipped seconds and 10 of nanoseconds.
pub const FORMAT: u64 = 2;
const FORMAT_KEY: &str = "format";
/// Format 1's time keys were as long as [`time_key`]s, so a raw payload's expiry prefix
/// has the same length in both formats and [`split_raw`] reads either.
const LEGACY_TIME_KEY_LEN: usize = 30;
const _: () = assert!(LEGACY_TIME_KEY_LEN == TIME_KEY_LEN);

/// The file inside the store directory.
pub const FILE_NAME: &str = "handoff.redb";

/// Most leads one page may hold.
const MAX_PAGE: usize = 500;

/// The embedded [`LeadStore`](handoff_core::store::LeadStore). Cheap to clone; clones share the open database.
#[derive(Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
}

impl std::fmt::Debug for EmbeddedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedStore").finish_non_exhaustive()
    }
}

impl EmbeddedStore {
    /// Makes every pending notification due at `now`. Only one process can have the
    /// store open, so at start-up no lease can belong to a live worker: the leases of a
    /// process that crashed mid-send are released at once instead of after they expire
    /// (retries waiting for their backoff are tried early too, which is harmless).
    /// Returns how many were moved.
    pub async fn release_leases(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let from = prefix_end(&time_key(now));
        self.run(move |db| {
            let tx = db.begin_write()?;
            let moved = {
                let mut notifications = tx.open_table(NOTIFICATIONS)?;
                let mut due = tx.open_table(NOTIFICATION_DUE)?;
                let mut by_time = tx.open_table(NOTIFICATION_TIME)?;
                let mut ids = Vec::new();
                for entry in due.range(from.as_str()..)? {
                    ids.push(entry?.1.value().to_owned());
                }
                for id in &ids {
                    let old: Notification = {
                        let v = notifications
                            .get(id.as_str())?
                            .ok_or_else(|| missing("notification", id))?;
                        decode("notification", id, v.value())?
                    };
                    let mut n = old.clone();
                    n.next_attempt_at = now;
                    put_notification(&mut notifications, &mut due, &mut by_time, Some(&old), &n)?;
                }
                ids.len()
            };
            tx.commit()?;
            Ok(moved)
        })
        .await
    }

    /// Opens (or creates) the store in `dir`, creating the directory if needed.
    /// Only one process may have a store open at a time.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot create store directory {}: {e}",
                dir.display()
            ))
        })?;
        let path = dir.join(FILE_NAME);
        let db = Database::create(&path)
            .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
        // Create every table up front so read transactions never meet a missing one,
        // and bring an older store up to this format (in the same transaction).
        let init = || -> Result<(), Fail> {
            let tx = db.begin_write()?;
            tx.open_table(LEADS)?;
            tx.open_table(LEAD_TIME)?;
            tx.open_table(RAW)?;
            tx.open_table(RAW_EXPIRY)?;
            tx.open_table(REJECTED)?;
            tx.open_table(NOTIFICATIONS)?;
            tx.open_table(NOTIFICATION_DUE)?;
            tx.open_table(NOTIFICATION_LEAD)?;
            tx.open_table(NOTIFICATION_TIME)?;
            let format = tx.open_table(META)?.get(FORMAT_KEY)?.map(|v| v.value());
            match format {
                Some(FORMAT) => {}
                Some(newer) if newer > FORMAT => {
                    return Err(Fail(StoreError::Unavailable(format!(
                        "{} has store format {newer}, written by a newer handoff; this one reads format {FORMAT}",
                        path.display()
                    ))))
                }
                _ => {
                    upgrade(&tx)?;
                    tx.open_table(META)?.insert(FORMAT_KEY, FORMAT)?;
                }
            }
            tx.commit()?;
            Ok(())
        };
        init().map_err(|f| f.0)?;
        Ok(EmbeddedStore { db: Arc::new(db) })
    }

    /// Runs `f` on tokio's blocking pool (redb calls block on disk I/O and locks).
    async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Database) -> Result<T, Fail> + Send + 'static,
    {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || f(&db).map_err(|e| e.0))
            .await
            .map_err(|e| StoreError::Unavailable(format!("store task failed: {e}")))?
    }
}

/// Internal error carrier, so `?` works on every redb error type.
struct Fail(StoreError);

macro_rules! unavailable_from {
    ($($t:ty),+ $(,)?) => {$(
        impl From<$t> for Fail {
            fn from(e: $t) -> Self {
                Fail(StoreError::Unavailable(e.to_string()))
            }
        }
    )+};
}
unavailable_from!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
);

impl From<serde_json::Error> for Fail {
    fn from(e: serde_json::Error) -> Self {
        Fail(StoreError::Corrupt(e.to_string()))
    }
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Fail(e)
    }
}

/// Rewrites a store of an older format (or a new, empty one) into [`FORMAT`]: raw
/// payloads get their expiry as a [`time_key`], and every index table is emptied and
/// rebuilt from the data tables (`leads`, `raw`, `notifications`).
fn upgrade(tx: &WriteTransaction) -> Result<(), Fail> {
    {
        let leads = tx.open_table(LEADS)?;
        let mut time = tx.open_table(LEAD_TIME)?;
        time.retain(|_, _| false)?;
        for entry in leads.iter()? {
            let (id, v) = entry?;
            index_lead(&mut time, &decode("lead", id.value(), v.value())?)?;
        }
    }
    {
        let mut raw = tx.open_table(RAW)?;
        let mut by_expiry = tx.open_table(RAW_EXPIRY)?;
        by_expiry.retain(|_, _| false)?;
        let mut expiries = Vec::new();
        for entry in raw.iter()? {
            let (id, v) = entry?;
            let id = id.value();
            let (expiry, _) = split_raw(id, v.value())?;
            expiries.push((id.to_owned(), expiry.to_vec()));
        }
        for (id, expiry) in expiries {
            let expiry = match legacy_time(&expiry) {
                Some(at) => {
                    // Copied out first: `raw` cannot be written while a value is borrowed.
                    let body = {
                        let v = raw.get(id.as_str())?.ok_or_else(|| missing("raw", &id))?;
                        split_raw(&id, v.value())?.1.to_vec()
                    };
                    let expiry = time_key(at);
                    raw.insert(id.as_str(), raw_value(&expiry, &body).as_slice())?;
                    expiry
                }
                None => String::from_utf8(expiry).map_err(|_| {
                    Fail(StoreError::Corrupt(format!("raw payload {id}: bad expiry")))
                })?,
            };
            by_expiry.insert(raw_expiry_key(&expiry, &id).as_str(), id.as_str())?;
        }
    }
    {
        let notifications = tx.open_table(NOTIFICATIONS)?;
        let mut due = tx.open_table(NOTIFICATION_DUE)?;
        let mut by_lead = tx.open_table(NOTIFICATION_LEAD)?;
        let mut by_time = tx.open_table(NOTIFICATION_TIME)?;
        for index in [&mut due, &mut by_lead, &mut by_time] {
            index.retain(|_, _| false)?;
        }
        for entry in notifications.iter()? {
            let (id, v) = entry?;
            let n: Notification = decode("notification", id.value(), v.value())?;
            index_notification(&mut due, &mut by_time, &n)?;
            by_lead.insert(lead_notification_key(&n).as_str(), n.id.as_str())?;
        }
    }
    Ok(())
}

/// The instant a format-1 time key (20 digits of seconds with the sign bit flipped,
/// then 10 of nanoseconds) stands for; None for anything else, such as a [`time_key`].
fn legacy_time(key: &[u8]) -> Option<DateTime<Utc>> {
    if key.len() != LEGACY_TIME_KEY_LEN || !key.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let key = std::str::from_utf8(key).ok()?;
    let secs = key[..20].parse::<u64>().ok()? ^ (1 << 63);
    DateTime::from_timestamp(secs as i64, key[20..].parse().ok()?)
}

/// Every key of a `{prefix}|…` family sorts below `{prefix}}` (`}` follows `|`).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}}}")
}

fn lead_scope(stage: Option<Stage>) -> &'static str {
    match stage {
        None => "all",
        Some(s) => s.as_str(),
    }
}

fn state_scope(state: Option<DeliveryState>) -> &'static str {
    state.map_or("all", DeliveryState::as_str)
}

fn lead_time_key(scope: &str, lead: &Lead) -> String {
    format!("{scope}|{}|{}", time_key(lead.received_at), lead.id)
}

fn raw_expiry_key(expiry: &str, lead_id: &str) -> String {
    format!("{expiry}|{lead_id}")
}

/// A raw payload as stored: its expiry ([`time_key`]) and the body.
fn raw_value(expiry: &str, body: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(expiry.len() + body.len());
    v.extend_from_slice(expiry.as_bytes());
    v.extend_from_slice(body);
    v
}

/// A stored raw payload's expiry key and body.
fn split_raw<'v>(lead_id: &str, v: &'v [u8]) -> Result<(&'v [u8], &'v [u8]), Fail> {
    if v.len() < TIME_KEY_LEN {
        return Err(Fail(StoreError::Corrupt(format!(
            "raw payload {lead_id} too short"
        ))));
    }
    Ok(v.split_at(TIME_KEY_LEN))
}

fn due_key(n: &Notification) -> String {
    format!("{}|{}", time_key(n.next_attempt_at), n.id)
}

/// What a deliveries cursor starts with (a leads cursor is a bare index key).
const DELIVERY_CURSOR: &str = "deliveries|";

fn notification_time_key(scope: &str, n: &Notification) -> String {
    format!("{scope}|{}|{}", time_key(n.created_at), n.id)
}

fn lead_notification_key(n: &Notification) -> String {
    format!("{}|{}", n.lead_id, n.id)
}

fn decode<T: serde::de::DeserializeOwned>(what: &str, key: &str, bytes: &[u8]) -> Result<T, Fail> {
    serde_json::from_slice(bytes)
        .map_err(|e| Fail(StoreError::Corrupt(format!("{what} {key}: {e}"))))
}

fn missing(what: &str, key: &str) -> Fail {
    Fail(StoreError::Corrupt(format!(
        "index points at missing {what} {key}"
    )))
}

type Table<'t> = redb::Table<'t, &'static str, &'static [u8]>;
type Index<'t> = redb::Table<'t, &'static str, &'static str>;

/// Adds a lead's entries to the `lead_time` index.
fn index_lead(time: &mut Index<'_>, lead: &Lead) -> Result<(), Fail> {
    for scope in [lead_scope(None), lead_scope(Some(lead.stage))] {
        time.insert(lead_time_key(scope, lead).as_str(), lead.id.as_str())?;
    }
    if is_unrouted(lead) {
        time.insert(lead_time_key(UNROUTED, lead).as_str(), lead.id.as_str())?;
    }
    if let Some(c) = &lead.contact_id {
        time.insert(
            lead_time_key(&contact_scope(c), lead).as_str(),
            lead.id.as_str(),
        )?;
    }
    Ok(())
}

/// The scope of one contact's leads (`GET /contacts/{id}`).
fn contact_scope(contact_id: &str) -> String {
    format!("contact:{contact_id}")
}

/// The scope of hot leads no team owns (`GET /leads?routed=false`).
const UNROUTED: &str = "unrouted";

fn is_unrouted(lead: &Lead) -> bool {
    lead.stage == Stage::Hot && lead.route.as_ref().is_some_and(|r| r.team.is_none())
}

/// Writes a notification and its indexes, replacing `old` (and its index entries).
fn put_notification(
    notifications: &mut Table<'_>,
    due: &mut Index<'_>,
    by_time: &mut Index<'_>,
    old: Option<&Notification>,
    n: &Notification,
) -> Result<(), Fail> {
    if let Some(old) = old {
        if old.state == DeliveryState::Pending {
            due.remove(due_key(old).as_str())?;
        }
        by_time.remove(notification_time_key(old.state.as_str(), old).as_str())?;
    }
    notifications.insert(n.id.as_str(), serde_json::to_vec(n)?.as_slice())?;
    index_notification(due, by_time, n)
}

/// Adds a notification's entries to the `notification_due` (while pending) and
/// `notification_time` indexes.
fn index_notification(
    due: &mut Index<'_>,
    by_time: &mut Index<'_>,
    n: &Notification,
) -> Result<(), Fail> {
    if n.state == DeliveryState::Pending {
        due.insert(due_key(n).as_str(), n.id.as_str())?;
    }
    by_time.insert(
        notification_time_key(state_scope(None), n).as_str(),
        n.id.as_str(),
    )?;
    by_time.insert(
        notification_time_key(n.state.as_str(), n).as_str(),
        n.id.as_str(),
    )?;
    Ok(())
}

#[async_trait]
impl Leads for EmbeddedStore {
    async fn insert_lead(&self, new: NewLead) -> Result<Inserted, StoreError> {
        self.run(move |db| {
            let tx = db.begin_write()?;
            {
                let mut leads = tx.open_table(LEADS)?;
                let id = new.lead.id.as_str();
                if let Some(stored) = leads.get(id)? {
                    let lead: Lead = decode("lead", id, stored.value())?;
                    return Ok(Inserted::Duplicate(lead));
                }
                if let Some((team, state)) = &new.team_state {
                    let mut states = tx.open_table(TEAM_STATES)?;
                    let stored = match states.get(team.as_str())? {
                        Some(v) => decode::<TeamState>("team state", team, v.value())?.version,
                        None => 0,
                    };
                    if stored + 1 != state.version {
                        return Ok(Inserted::StateChanged);
                    }
                    states.insert(team.as_str(), serde_json::to_vec(state)?.as_slice())?;
                }
                leads.insert(id, serde_json::to_vec(&new.lead)?.as_slice())?;

                index_lead(&mut tx.open_table(LEAD_TIME)?, &new.lead)?;

                let expiry = time_key(new.raw_expires_at);
                tx.open_table(RAW)?
                    .insert(id, raw_value(&expiry, &new.raw).as_slice())?;
                tx.open_table(RAW_EXPIRY)?
                    .insert(raw_expiry_key(&expiry, id).as_str(), id)?;

                let mut notifications = tx.open_table(NOTIFICATIONS)?;
                let mut due = tx.open_table(NOTIFICATION_DUE)?;
                let mut by_lead = tx.open_table(NOTIFICATION_LEAD)?;
                let mut by_time = tx.open_table(NOTIFICATION_TIME)?;
                for n in &new.outbox {
                    let old: Option<Notification> = match notifications.get(n.id.as_str())? {
                        Some(v) => Some(decode("notification", &n.id, v.value())?),
                        None => None,
                    };
                    put_notification(&mut notifications, &mut due, &mut by_time, old.as_ref(), n)?;
                    by_lead.insert(lead_notification_key(n).as_str(), n.id.as_str())?;
                }
            }
            tx.commit()?;
            Ok(Inserted::Created(new.lead))
        })
        .await
    }

    async fn update_lead(&self, update: LeadUpdate) -> Result<Updated, StoreError> {
        self.run(move |db| {
            let tx = db.begin_write()?;
            let applied = {
                let mut leads = tx.open_table(LEADS)?;
                let id = update.lead.id.as_str();
                let stored: Lead = match leads.get(id)? {
                    Some(v) => decode("lead", id, v.value())?,
                    None => return Ok(Updated::NotFound),
                };
                if stored.rev + 1 != update.lead.rev {
                    return Ok(Updated::Changed);
                }
                leads.insert(id, serde_json::to_vec(&update.lead)?.as_slice())?;
                let mut time = tx.open_table(LEAD_TIME)?;
                for scope in [lead_scope(None), lead_scope(Some(stored.stage)), UNROUTED] {
                    time.remove(lead_time_key(scope, &stored).as_str())?;
                }
                if let Some(c) = &stored.contact_id {
                    time.remove(lead_time_key(&contact_scope(c), &stored).as_str())?;
                }
                index_lead(&mut time, &update.lead)?;
                let mut notifications = tx.open_table(NOTIFICATIONS)?;
                let mut due = tx.open_table(NOTIFICATION_DUE)?;
                let mut by_lead = tx.open_table(NOTIFICATION_LEAD)?;
                let mut by_time = tx.open_table(NOTIFICATION_TIME)?;
                for n in &update.outbox {
                    let old: Option<Notification> = match notifications.get(n.id.as_str())? {
                        Some(v) => Some(decode("notification", &n.id, v.value())?),
                        None => None,
                    };
                    put_notification(&mut notifications, &mut due, &mut by_time, old.as_ref(), n)?;
                    by_lead.insert(lead_notification_key(n).as_str(), n.id.as_str())?;
                }
                update.lead
            };
            tx.commit()?;
            Ok(Updated::Applied(Box::new(applied)))
        })
        .await
    }

    async fn write_team_state(&self, team: &str, state: &TeamState) -> Result<bool, StoreError> {
        let (team, state) = (team.to_owned(), state.clone());
        self.run(move |db| {
            let tx = db.begin_write()?;
            {
                let mut states = tx.open_table(TEAM_STATES)?;
                let stored = match states.get(team.as_str())? {
                    Some(v) => decode::<TeamState>("team state", &team, v.value())?.version,
                    None => 0,
                };
                if stored + 1 != state.version {
                    return Ok(false);
                }
                states.insert(team.as_str(), serde_json::to_vec(&state)?.as_slice())?;
            }
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn team_states(
        &self,
        teams: &[String],
    ) -> Result<BTreeMap<String, TeamState>, StoreError> {
        let teams = teams.to_vec();
        self.run(move |db| {
            let tx = db.begin_read()?;
            let states = match tx.open_table(TEAM_STATES) {
                Ok(t) => t,
                // no lead was ever assigned: every team is fresh
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(BTreeMap::new()),
                Err(e) => return Err(Fail(StoreError::Unavailable(e.to_string()))),
            };
            let mut out = BTreeMap::new();
            for team in teams {
                if let Some(v) = states.get(team.as_str())? {
                    out.insert(team.clone(), decode("team state", &team, v.value())?);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn get_lead(&self, id: &str) -> Result<Option<Lead>, StoreError> {
        let id = id.to_owned();
        self.run(move |db| {
            let tx = db.begin_read()?;
            let leads = tx.open_table(LEADS)?;
            let found = leads.get(id.as_str())?;
            match found {
                Some(v) => Ok(Some(decode("lead", &id, v.value())?)),
                None => Ok(None),
            }
        })
        .await
    }

    async fn list_leads(&self, query: &LeadQuery) -> Result<Page<Lead>, StoreError> {
        let scope = if let Some(c) = &query.contact {
            contact_scope(c)
        } else if query.unrouted {
            UNROUTED.to_string()
        } else {
            lead_scope(query.stage).to_string()
        };
        let scope = scope.as_str();
        let limit = query.limit.clamp(1, MAX_PAGE);
        let prefix = format!("{scope}|");
        let upper = match &query.cursor {
            None => prefix_end(scope),
            // The whole index key of the last lead shown, so a cursor names its listing:
            // one from another stage's listing (or not from this store) is refused.
            Some(c) => match hex::decode(c).ok().and_then(|b| String::from_utf8(b).ok()) {
                Some(key) if key.len() > prefix.len() && key.starts_with(&prefix) => key,
                _ => return Err(StoreError::InvalidCursor),
            },
        };
        let filter = query.clone();
        self.run(move |db| {
            let tx = db.begin_read()?;
            let time = tx.open_table(LEAD_TIME)?;
            let leads = tx.open_table(LEADS)?;
            let mut items = Vec::with_capacity(limit);
            let mut next = None;
            let mut last_key = None;
            for entry in time.range(prefix.as_str()..upper.as_str())?.rev() {
                let (key, id) = entry?;
                if items.len() == limit {
                    next = last_key.take();
                    break;
                }
                let id = id.value();
                let v = leads.get(id)?.ok_or_else(|| missing("lead", id))?;
                let lead = decode::<Lead>("lead", id, v.value())?;
                if !filter.keeps(&lead) {
                    continue;
                }
                items.push(lead);
                last_key = Some(key.value().to_owned());
            }
            Ok(Page {
                items,
                next: next.map(hex::encode),
            })
        })
        .await
    }
}

#[async_trait]
impl RawPayloads for EmbeddedStore {
    async fn get_raw(
        &self,
        lead_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let id = lead_id.to_owned();
        let now = time_key(now);
        self.run(move |db| {
            let tx = db.begin_read()?;
            let raw = tx.open_table(RAW)?;
            let found = raw.get(id.as_str())?;
            let Some(v) = found else { return Ok(None) };
            let (expiry, body) = split_raw(&id, v.value())?;
            // expired once `now` reaches the expiry
            Ok((now.as_bytes() < expiry).then(|| body.to_vec()))
        })
        .await
    }

    async fn purge_expired_raw(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let upper = prefix_end(&time_key(now));
        self.run(move |db| {
            let tx = db.begin_write()?;
            let purged = {
                let mut expiry = tx.open_table(RAW_EXPIRY)?;
                let mut raw = tx.open_table(RAW)?;
                let mut expired = Vec::new();
                for entry in expiry.range(..upper.as_str())? {
                    let (key, id) = entry?;
                    expired.push((key.value().to_owned(), id.value().to_owned()));
                }
                for (key, id) in &expired {
                    expiry.remove(key.as_str())?;
                    raw.remove(id.as_str())?;
                }
                expired.len()
            };
            tx.commit()?;
            Ok(purged)
        })
        .await
    }
}

#[async_trait]
impl RejectedLog for EmbeddedStore {
    async fn record_rejected(&self, rejected: RejectedDelivery) -> Result<(), StoreError> {
        self.run(move |db| {
            let tx = db.begin_write()?;
            {
                let mut log = tx.open_table(REJECTED)?;
                let seq = match log.last()? {
                    Some((k, _)) => k.value() + 1,
                    None => 0,
                };
                log.insert(seq, serde_json::to_vec(&rejected)?.as_slice())?;
                while log.len()? > REJECTED_LOG_CAPACITY as u64 {
                    log.pop_first()?;
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn list_rejected(
        &self,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<RejectedDelivery>, StoreError> {
        self.run(move |db| {
            let tx = db.begin_read()?;
            let log = tx.open_table(REJECTED)?;
            let mut out = Vec::new();
            for entry in log.iter()?.rev() {
                if out.len() >= limit {
                    break;
                }
                let (seq, v) = entry?;
                let r: RejectedDelivery =
                    decode("rejected delivery", &seq.value().to_string(), v.value())?;
                if r.expires() > now {
                    out.push(r);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn purge_expired_rejected(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.run(move |db| {
            let tx = db.begin_write()?;
            let purged = {
                let mut log = tx.open_table(REJECTED)?;
                let mut expired = Vec::new();
                for entry in log.iter()? {
                    let (seq, v) = entry?;
                    let r: RejectedDelivery =
                        decode("rejected delivery", &seq.value().to_string(), v.value())?;
                    if r.expires() <= now {
                        expired.push(seq.value());
                    }
                }
                for seq in &expired {
                    log.remove(*seq)?;
                }
                expired.len()
            };
            tx.commit()?;
            Ok(purged)
        })
        .await
    }
}

#[async_trait]
impl Outbox for EmbeddedStore {
    async fn claim_due_in(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: usize,
        mut lanes: Lanes,
    ) -> Result<Vec<Notification>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let upper = prefix_end(&time_key(now));
        let until = now + lease;
        self.run(move |db| {
            let tx = db.begin_write()?;
            let claimed = {
                let mut notifications = tx.open_table(NOTIFICATIONS)?;
                let mut due = tx.open_table(NOTIFICATION_DUE)?;
                let mut by_time = tx.open_table(NOTIFICATION_TIME)?;
                let mut ids = Vec::new();
                for entry in due.range(..upper.as_str())? {
                    if ids.len() >= limit || lanes.looked_far_enough() {
                        break;
                    }
                    let id = entry?.1.value().to_owned();
                    if lanes.admit(&id) {
                        ids.push(id);
                    }
                }
                let mut claimed = Vec::with_capacity(ids.len());
                for id in ids {
                    let old: Notification = {
                        let v = notifications
                            .get(id.as_str())?
                            .ok_or_else(|| missing("notification", &id))?;
                        decode("notification", &id, v.value())?
                    };
                    let mut n = old.clone();
                    n.next_attempt_at = until;
                    put_notification(&mut notifications, &mut due, &mut by_time, Some(&old), &n)?;
                    claimed.push(n);
                }
                claimed
            };
            tx.commit()?;
            Ok(claimed)
        })
        .await
    }

    async fn get_notification(&self, id: &str) -> Result<Option<Notification>, StoreError> {
        let id = id.to_owned();
        self.run(move |db| {
            let tx = db.begin_read()?;
            let notifications = tx.open_table(NOTIFICATIONS)?;
            let found = notifications.get(id.as_str())?;
            match found {
                Some(v) => Ok(Some(decode("notification", &id, v.value())?)),
                None => Ok(None),
            }
        })
        .await
    }

    async fn record_attempt(
        &self,
        id: &str,
        attempt: Attempt,
        now: DateTime<Utc>,
    ) -> Result<Notification, StoreError> {
        let id = id.to_owned();
        self.run(move |db| {
            let tx = db.begin_write()?;
            let n = {
                let mut notifications = tx.open_table(NOTIFICATIONS)?;
                let mut due = tx.open_table(NOTIFICATION_DUE)?;
                let mut by_time = tx.open_table(NOTIFICATION_TIME)?;
                let old: Notification = {
                    let v = notifications.get(id.as_str())?.ok_or_else(|| {
                        Fail(StoreError::Corrupt(format!("no notification {id}")))
                    })?;
                    decode("notification", &id, v.value())?
                };
                let n = old.after(attempt, now);
                put_notification(&mut notifications, &mut due, &mut by_time, Some(&old), &n)?;
                n
            };
            tx.commit()?;
            Ok(n)
        })
        .await
    }

    async fn redrive(&self, id: &str, now: DateTime<Utc>) -> Result<Redrive, StoreError> {
        let id = id.to_owned();
        self.run(move |db| {
            let tx = db.begin_write()?;
            let r = {
                let mut notifications = tx.open_table(NOTIFICATIONS)?;
                let mut due = tx.open_table(NOTIFICATION_DUE)?;
                let mut by_time = tx.open_table(NOTIFICATION_TIME)?;
                let old: Option<Notification> = match notifications.get(id.as_str())? {
                    Some(v) => Some(decode("notification", &id, v.value())?),
                    None => None,
                };
                match old {
                    None => Redrive::NotFound,
                    Some(old) => match old.redriven(now) {
                        None => Redrive::NotDead(old),
                        Some(n) => {
                            put_notification(
                                &mut notifications,
                                &mut due,
                                &mut by_time,
                                Some(&old),
                                &n,
                            )?;
                            Redrive::Redriven(n)
                        }
                    },
                }
            };
            tx.commit()?;
            Ok(r)
        })
        .await
    }

    async fn count_dead(&self) -> Result<u64, StoreError> {
        // Index keys only: `dead|…` entries of the by-state time index.
        let scope = state_scope(Some(DeliveryState::Dead));
        let (lower, upper) = (format!("{scope}|"), prefix_end(scope));
        self.run(move |db| {
            let tx = db.begin_read()?;
            let by_time = tx.open_table(NOTIFICATION_TIME)?;
            let mut n = 0u64;
            for entry in by_time.range(lower.as_str()..upper.as_str())? {
                entry?;
                n += 1;
            }
            Ok(n)
        })
        .await
    }

    async fn list_notifications(
        &self,
        state: Option<DeliveryState>,
        limit: usize,
    ) -> Result<Vec<Notification>, StoreError> {
        let scope = state_scope(state);
        let (lower, upper) = (format!("{scope}|"), prefix_end(scope));
        self.run(move |db| {
            let tx = db.begin_read()?;
            let by_time = tx.open_table(NOTIFICATION_TIME)?;
            let notifications = tx.open_table(NOTIFICATIONS)?;
            let mut out = Vec::new();
            for entry in by_time
                .range(lower.as_str()..upper.as_str())?
                .rev()
                .take(limit)
            {
                let (_, id) = entry?;
                let id = id.value();
                let v = notifications
                    .get(id)?
                    .ok_or_else(|| missing("notification", id))?;
                out.push(decode("notification", id, v.value())?);
            }
            Ok(out)
        })
        .await
    }

    async fn list_notifications_page(
        &self,
        query: &DeliveryQuery,
    ) -> Result<Page<Notification>, StoreError> {
        let scope = state_scope(query.state);
        let limit = query.limit.clamp(1, MAX_PAGE);
        let prefix = format!("{scope}|");
        let upper = match &query.cursor {
            None => prefix_end(scope),
            // `deliveries|` + the whole index key of the last item shown: a cursor names
            // its listing, so one of another state's (or of the leads) is refused.
            Some(c) => match hex::decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|k| k.strip_prefix(DELIVERY_CURSOR).map(str::to_owned))
            {
                Some(key) if key.len() > prefix.len() && key.starts_with(&prefix) => key,
                _ => return Err(StoreError::InvalidCursor),
            },
        };
        self.run(move |db| {
            let tx = db.begin_read()?;
            let by_time = tx.open_table(NOTIFICATION_TIME)?;
            let notifications = tx.open_table(NOTIFICATIONS)?;
            let mut items = Vec::with_capacity(limit);
            let mut next = None;
            let mut last_key = None;
            for entry in by_time.range(prefix.as_str()..upper.as_str())?.rev() {
                let (key, id) = entry?;
                if items.len() == limit {
                    next = last_key.take();
                    break;
                }
                let id = id.value();
                let v = notifications
                    .get(id)?
                    .ok_or_else(|| missing("notification", id))?;
                items.push(decode::<Notification>("notification", id, v.value())?);
                last_key = Some(key.value().to_owned());
            }
            Ok(Page {
                items,
                next: next.map(|k| hex::encode(format!("{DELIVERY_CURSOR}{k}"))),
            })
        })
        .await
    }

    async fn lead_notifications(&self, lead_id: &str) -> Result<Vec<Notification>, StoreError> {
        let lead_id = lead_id.to_owned();
        let (lower, upper) = (format!("{lead_id}|"), prefix_end(&lead_id));
        self.run(move |db| {
            let tx = db.begin_read()?;
            let by_lead = tx.open_table(NOTIFICATION_LEAD)?;
            let notifications = tx.open_table(NOTIFICATIONS)?;
            let mut out = Vec::new();
            for entry in by_lead.range(lower.as_str()..upper.as_str())? {
                let (_, id) = entry?;
                let id = id.value();
                let v = notifications
                    .get(id)?
                    .ok_or_else(|| missing("notification", id))?;
                let n: Notification = decode("notification", id, v.value())?;
                // lead ids never contain `|`, but an arbitrary query string might
                if n.lead_id == lead_id {
                    out.push(n);
                }
            }
            Ok(out)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn legacy_time_keys_read_back_and_time_keys_are_not_legacy() {
        // format 1's key, as the first version wrote it
        let legacy = |t: DateTime<Utc>| {
            let secs = (t.timestamp() as u64) ^ (1 << 63);
            format!("{secs:020}{:010}", t.timestamp_subsec_nanos())
        };
        for t in [
            Utc.with_ymd_and_hms(1960, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 0).unwrap() + chrono::Duration::nanoseconds(7),
            Utc.with_ymd_and_hms(2262, 1, 1, 0, 0, 0).unwrap(),
        ] {
            assert_eq!(legacy_time(legacy(t).as_bytes()), Some(t));
            assert_eq!(legacy_time(time_key(t).as_bytes()), None);
        }
        assert_eq!(legacy_time(b"123"), None);
    }
}
