//! The DynamoDB store: [`LeadStore`](handoff_core::store::LeadStore) on one DynamoDB table (single-table design), for the
//! Lambda functions. The table design — every item type, key, index, the TTL attribute
//! and the stream — is written down in `TABLE.md` beside this crate; the constants below
//! are its attribute and index names.
//!
//! Entities are kept as JSON in the `data` string attribute (exactly what the embedded
//! store keeps), next to the key and index attributes and a few plain copies of fields
//! (stage, source, state, times) for the console and for stream filters.
//!
//! - `insert_lead` is one `TransactWriteItems`: the lead (condition
//!   `attribute_not_exists(PK)` — the lead id is derived from source + delivery id, so
//!   this is the idempotency check), its outbox notifications and its raw payload. A
//!   failed condition on the lead answers [`Inserted::Duplicate`] with the stored lead;
//!   every other failure is [`StoreError::Unavailable`] and writes nothing.
//! - Notifications carry a version (`ver`); every change is a conditional put on it, so a
//!   claim (`claim_due`) or an attempt (`record_attempt`) never overwrites a change it
//!   did not see, and two workers never both lease one notification.
//! - Reads of one item or one item collection are strongly consistent; listings through
//!   a GSI (leads, notifications, due notifications) are eventually consistent, as
//!   GSIs are in DynamoDB.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, Put, ReturnValue, ScalarAttributeType,
    StreamSpecification, StreamViewType, TableStatus, TimeToLiveSpecification, TimeToLiveStatus,
    TransactWriteItem,
};
use aws_sdk_dynamodb::Client;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use handoff_core::model::{Lead, Stage};
use handoff_core::store::keys::time_key;
use handoff_core::store::{
    Attempt, DeliveryQuery, DeliveryState, Inserted, Lanes, LeadQuery, LeadUpdate, Leads, NewLead,
    Notification, Outbox, Page, RawPayloads, Redrive, RejectedDelivery, RejectedLog, StoreError,
    TeamState, Updated, REJECTED_LOG_CAPACITY,
};

/// Table partition key (S).
pub const PK: &str = "PK";
/// Table sort key (S).
pub const SK: &str = "SK";
/// What an item is: `lead`, `notification`, `raw`, `rejected` or `counter` (S).
/// A stream record is a notification's when its image has `item_type = "notification"`.
pub const ITEM_TYPE: &str = "item_type";
/// The entity as JSON (S): a `Lead`, `Notification` or `RejectedDelivery`.
pub const DATA: &str = "data";
/// A notification's version (N), incremented by every write; conditions check it.
pub const VERSION: &str = "ver";
/// The TTL attribute (N, epoch seconds) — set on raw payload items only.
pub const TTL_ATTRIBUTE: &str = "expires_at";

/// `item_type` of a lead item.
pub const TYPE_LEAD: &str = "lead";
/// `item_type` of a notification (outbox) item.
pub const TYPE_NOTIFICATION: &str = "notification";
/// `item_type` of a raw payload item.
pub const TYPE_RAW: &str = "raw";
/// `item_type` of a rejected-delivery log item.
pub const TYPE_REJECTED: &str = "rejected";
/// `item_type` of the rejected log's sequence counter.
pub const TYPE_COUNTER: &str = "counter";
/// `item_type` of a team's routing state (`PK = TEAM#{name}`, `SK = STATE`).
pub const TYPE_TEAM_STATE: &str = "team_state";
const TEAM_STATE_SK: &str = "STATE";

fn team_pk(team: &str) -> String {
    format!("TEAM#{team}")
}

/// Leads by stage / notifications by state, by time: `GSI1PK`, `GSI1SK`.
pub const GSI1: &str = "GSI1";
/// All leads / all notifications, by time: `GSI2PK`, `GSI2SK`.
pub const GSI2: &str = "GSI2";
/// Leads by source, by time: `GSI3PK`, `GSI3SK`.
pub const GSI3: &str = "GSI3";
/// Leads by UTM campaign, by time (sparse): `GSI4PK`, `GSI4SK`.
pub const GSI4: &str = "GSI4";
/// Leads by contact, by time (sparse: leads with a contact): `GSI5PK`, `GSI5SK`.
pub const GSI5: &str = "GSI5";
/// Pending notifications by due time (sparse): `DUE_PK`, `DUE_SK`.
pub const DUE_INDEX: &str = "DUE";

/// Every global secondary index: (name, partition key, sort key). All project ALL.
pub const INDEXES: [(&str, &str, &str); 6] = [
    (GSI1, "GSI1PK", "GSI1SK"),
    (GSI2, "GSI2PK", "GSI2SK"),
    (GSI3, "GSI3PK", "GSI3SK"),
    (GSI4, "GSI4PK", "GSI4SK"),
    (GSI5, "GSI5PK", "GSI5SK"),
    (DUE_INDEX, "DUE_PK", "DUE_SK"),
];

const LEAD_SK: &str = "LEAD";
const RAW_SK: &str = "RAW";
const NOTIF_PREFIX: &str = "NOTIF#";
const ALL_LEADS: &str = "LEADS";
const ALL_NOTIFS: &str = "NOTIFS";
const DUE_PARTITION: &str = "DUE";
const REJECTED_PK: &str = "REJECTED";
const REJECTED_PREFIX: &str = "SEQ#";
const COUNTER_SK: &str = "COUNTER";

/// Most leads one page may hold.
const MAX_PAGE: usize = 500;
/// Raw payloads larger than this are not kept (the item limit is 400 KB): the lead is
/// worth more than its raw copy.
pub const MAX_RAW_BYTES: usize = 300 * 1024;
/// A campaign name longer than this is cut in the GSI4 key (key limit: 2048 bytes).
const MAX_CAMPAIGN_KEY_BYTES: usize = 512;
/// DynamoDB's limit on items in one transaction.
const MAX_TRANSACT_ITEMS: usize = 100;
/// How often insert_lead retries a transaction that lost a conflict.
const TRANSACTION_TRIES: u32 = 5;
/// How often a version conflict in record_attempt is retried.
const VERSION_TRIES: u32 = 5;

type Item = HashMap<String, AttributeValue>;

/// The DynamoDB [`LeadStore`](handoff_core::store::LeadStore). Cheap to clone (the SDK client is reference-counted):
/// build it once per Lambda container and share it.
#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        DynamoStore {
            client,
            table: table.into(),
        }
    }

    /// A store with a client from the environment: region, credentials and
    /// `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_DYNAMODB` as the AWS SDK reads them.
    pub async fn from_env(table: impl Into<String>) -> Self {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .load()
            .await;
        Self::new(Client::new(&config), table)
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Creates the table as `TABLE.md` describes it (on-demand billing, every GSI, stream
    /// `NEW_AND_OLD_IMAGES`), waits until it is active and enables TTL on
    /// [`TTL_ATTRIBUTE`]. Idempotent: an existing table is kept (and its indexes checked).
    /// For tests and local admin; on AWS the SAM template creates the table.
    pub async fn create_table(&self) -> Result<(), StoreError> {
        let mut attrs = vec![PK, SK];
        for (_, hash, range) in INDEXES {
            attrs.extend([hash, range]);
        }
        let definitions = attrs
            .into_iter()
            .map(|a| {
                AttributeDefinition::builder()
                    .attribute_name(a)
                    .attribute_type(ScalarAttributeType::S)
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(build_error)?;
        let indexes = INDEXES
            .into_iter()
            .map(|(name, hash, range)| {
                GlobalSecondaryIndex::builder()
                    .index_name(name)
                    .set_key_schema(Some(key_schema(hash, range)?))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(build_error)?;
        let created = self
            .client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .set_attribute_definitions(Some(definitions))
            .set_key_schema(Some(key_schema(PK, SK).map_err(build_error)?))
            .set_global_secondary_indexes(Some(indexes))
            .stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::NewAndOldImages)
                    .build()
                    .map_err(build_error)?,
            )
            .send()
            .await;
        match created {
            Ok(_) => tracing::info!(table = %self.table, "created table"),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_resource_in_use_exception()) => {}
            Err(e) => return Err(unavailable("create_table", e)),
        }
        self.wait_until_active().await?;

        let ttl = self
            .client
            .describe_time_to_live()
            .table_name(&self.table)
            .send()
            .await
            .map_err(|e| unavailable("describe_time_to_live", e))?;
        let enabled = ttl.time_to_live_description().is_some_and(|d| {
            matches!(
                d.time_to_live_status(),
                Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
            ) && d.attribute_name() == Some(TTL_ATTRIBUTE)
        });
        if !enabled {
            self.client
                .update_time_to_live()
                .table_name(&self.table)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .enabled(true)
                        .attribute_name(TTL_ATTRIBUTE)
                        .build()
                        .map_err(build_error)?,
                )
                .send()
                .await
                .map_err(|e| unavailable("update_time_to_live", e))?;
        }
        Ok(())
    }

    /// Polls DescribeTable until the table is ACTIVE (up to two minutes) and checks that
    /// it has every index this store queries.
    async fn wait_until_active(&self) -> Result<(), StoreError> {
        for _ in 0..240 {
            let out = self
                .client
                .describe_table()
                .table_name(&self.table)
                .send()
                .await
                .map_err(|e| unavailable("describe_table", e))?;
            let Some(table) = out.table() else {
                return Err(StoreError::Unavailable(format!(
                    "describe_table {}: no description",
                    self.table
                )));
            };
            if table.table_status() == Some(&TableStatus::Active) {
                let have: Vec<&str> = table
                    .global_secondary_indexes()
                    .iter()
                    .filter_map(|g| g.index_name())
                    .collect();
                if let Some((missing, _, _)) =
                    INDEXES.iter().find(|(name, _, _)| !have.contains(name))
                {
                    return Err(StoreError::Corrupt(format!(
                        "table {} exists without the index {missing} (see TABLE.md)",
                        self.table
                    )));
                }
                return Ok(());
            }
            tokio::time::sleep(StdDuration::from_millis(500)).await;
        }
        Err(StoreError::Unavailable(format!(
            "table {} did not become active within two minutes",
            self.table
        )))
    }

    /// One conditional put of a notification at version `ver` (the previous one,
    /// `ver - 1`, must still be stored — or nothing, for `ver == 1`).
    async fn put_notification(&self, n: &Notification, ver: u64) -> Result<bool, StoreError> {
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(notification_item(n, ver)?))
            .expression_attribute_names("#ver", VERSION);
        put = if ver <= 1 {
            put.condition_expression("attribute_not_exists(#ver)")
        } else {
            put.condition_expression("#ver = :prev")
                .expression_attribute_values(":prev", num(ver - 1))
        };
        match put.send().await {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(unavailable("put_item (notification)", e)),
        }
    }

    /// The notification and its version, read consistently.
    async fn read_notification(&self, id: &str) -> Result<Option<(Notification, u64)>, StoreError> {
        let Some(lead_id) = Notification::lead_of(id) else {
            return Ok(None);
        };
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(lead_pk(lead_id)))
            .key(SK, s(notification_sk(id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("get_item (notification)", e))?;
        match out.item {
            Some(item) => Ok(Some((decode(&item, "notification")?, version(&item)?))),
            None => Ok(None),
        }
    }

    async fn read_lead(&self, id: &str) -> Result<Option<Lead>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(lead_pk(id)))
            .key(SK, s(LEAD_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("get_item (lead)", e))?;
        out.item.map(|item| decode(&item, "lead")).transpose()
    }

    /// Writes `team`'s rotation state `state` if the stored one is still at
    /// `state.version - 1` (or absent, for version 1); false if another ingest wrote it
    /// meanwhile.
    async fn take_turn(&self, team: &str, state: &TeamState) -> Result<bool, StoreError> {
        let mut item = Item::new();
        item.insert(PK.into(), s(team_pk(team)));
        item.insert(SK.into(), s(TEAM_STATE_SK));
        item.insert(ITEM_TYPE.into(), s(TYPE_TEAM_STATE));
        item.insert(DATA.into(), s(to_json(state)?));
        item.insert("ver".into(), num(state.version));
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item));
        let put = if state.version <= 1 {
            put.condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", PK)
        } else {
            put.condition_expression("#ver = :prev")
                .expression_attribute_names("#ver", "ver")
                .expression_attribute_values(":prev", num(state.version - 1))
        };
        match put.send().await {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(unavailable("put_item (team state)", e)),
        }
    }

    /// Deletes each of `keys` whose `expiry_attr` is at most `now` (a time key), each
    /// with a conditional DeleteItem; one already gone (TTL, another purge) is skipped.
    /// Returns how many it deleted.
    async fn delete_expired(
        &self,
        keys: Vec<Item>,
        expiry_attr: &str,
        now: &str,
        what: &str,
    ) -> Result<usize, StoreError> {
        let mut purged = 0;
        for key in keys {
            let deleted = self
                .client
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(key))
                .condition_expression("attribute_exists(#pk) AND #exp <= :now")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#exp", expiry_attr)
                .expression_attribute_values(":now", s(now))
                .send()
                .await;
            match deleted {
                Ok(_) => purged += 1,
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
                Err(e) => return Err(unavailable(what, e)),
            }
        }
        Ok(purged)
    }

    fn query(&self) -> QueryFluentBuilder {
        self.client.query().table_name(&self.table)
    }

    /// Runs `build` page after page (each starting where the last ended) until `max`
    /// items were read or the query is exhausted.
    async fn collect<F>(
        &self,
        what: &str,
        max: usize,
        mut start: Option<Item>,
        build: F,
    ) -> Result<Vec<Item>, StoreError>
    where
        F: Fn(Option<Item>, Option<i32>) -> QueryFluentBuilder,
    {
        let mut out = Vec::new();
        while out.len() < max {
            let remaining =
                (max != usize::MAX).then(|| i32::try_from(max - out.len()).unwrap_or(i32::MAX));
            let page = build(start.take(), remaining)
                .send()
                .await
                .map_err(|e| unavailable(what, e))?;
            out.extend(page.items.unwrap_or_default());
            match page.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => break,
            }
        }
        out.truncate(max);
        Ok(out)
    }

    /// Items of one GSI partition, newest (highest sort key) first.
    async fn newest_first(
        &self,
        what: &str,
        index: &str,
        hash: &str,
        value: &str,
        start: Option<Item>,
        max: usize,
    ) -> Result<Vec<Item>, StoreError> {
        self.collect(what, max, start, |from, limit| {
            self.query()
                .index_name(index)
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", hash)
                .expression_attribute_values(":pk", s(value))
                .scan_index_forward(false)
                .set_limit(limit)
                .set_exclusive_start_key(from)
        })
        .await
    }
}

impl DynamoStore {
    /// The transaction's Puts of a lead's new outbox items (each must be the lead's:
    /// `{lead_id}.…`).
    fn outbox_puts(
        &self,
        lead_id: &str,
        outbox: &[Notification],
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        outbox
            .iter()
            .map(|n| {
                if n.lead_id != lead_id || Notification::lead_of(&n.id) != Some(lead_id) {
                    return Err(StoreError::Corrupt(format!(
                        "notification {} does not belong to lead {lead_id} (ids must be `{{lead_id}}.…`)",
                        n.id
                    )));
                }
                let put = Put::builder()
                    .table_name(&self.table)
                    .set_item(Some(notification_item(n, 1)?))
                    .build()
                    .map_err(build_error)?;
                Ok(TransactWriteItem::builder().put(put).build())
            })
            .collect()
    }
}

#[async_trait]
impl Leads for DynamoStore {
    async fn insert_lead(&self, new: NewLead) -> Result<Inserted, StoreError> {
        let lead = &new.lead;
        let mut items = vec![TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(&self.table)
                    .set_item(Some(lead_item(lead)?))
                    .condition_expression("attribute_not_exists(#pk)")
                    .expression_attribute_names("#pk", PK)
                    .build()
                    .map_err(build_error)?,
            )
            .build()];
        items.extend(self.outbox_puts(&lead.id, &new.outbox)?);
        if new.raw.len() <= MAX_RAW_BYTES {
            items.push(
                TransactWriteItem::builder()
                    .put(
                        Put::builder()
                            .table_name(&self.table)
                            .set_item(Some(raw_item(&lead.id, &new.raw, new.raw_expires_at)))
                            .build()
                            .map_err(build_error)?,
                    )
                    .build(),
            );
        } else {
            tracing::warn!(
                lead_id = %lead.id,
                bytes = new.raw.len(),
                "raw payload larger than {MAX_RAW_BYTES} bytes is not kept"
            );
        }
        if items.len() > MAX_TRANSACT_ITEMS {
            return Err(StoreError::Corrupt(format!(
                "lead {} has {} outbox notifications; one transaction holds at most {}",
                lead.id,
                new.outbox.len(),
                MAX_TRANSACT_ITEMS - 2
            )));
        }

        // The team's rotation turn is taken before the lead is written, with a plain
        // conditional put of the team's state (one item, one write unit), not inside the
        // lead's transaction: ingests racing for one team then retry a cheap put instead
        // of a whole transaction, and the transaction conflicts with nobody. A redelivery
        // is answered before any turn is taken. The window this opens: should the
        // transaction below then fail for good (or the process die in between), the turn
        // stays counted for a lead that was not stored, and that member gets one lead
        // fewer in the current run (README, "Routing").
        if let Some((team, state)) = &new.team_state {
            if let Some(stored) = self.read_lead(&lead.id).await? {
                return Ok(Inserted::Duplicate(stored));
            }
            if !self.take_turn(team, state).await? {
                return Ok(Inserted::StateChanged);
            }
        }
        let mut tries = 0;
        loop {
            tries += 1;
            let sent = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                // Lets the SDK's own retries of this call be idempotent; a new token per
                // call, so a later duplicate delivery is never mistaken for this one.
                .client_request_token(request_token())
                .send()
                .await;
            let err = match sent {
                Ok(_) => return Ok(Inserted::Created(new.lead)),
                Err(e) => e,
            };
            let retry = match err.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
                    let codes: Vec<&str> = c
                        .cancellation_reasons()
                        .iter()
                        .map(|r| r.code().unwrap_or("None"))
                        .collect();
                    if codes.first() == Some(&"ConditionalCheckFailed") {
                        return match self.read_lead(&lead.id).await? {
                            Some(stored) => Ok(Inserted::Duplicate(stored)),
                            None => Err(StoreError::Unavailable(format!(
                                "lead {} exists but could not be read back",
                                lead.id
                            ))),
                        };
                    }
                    if !codes.contains(&"TransactionConflict") {
                        return Err(StoreError::Unavailable(format!(
                            "transact_write_items cancelled: {}",
                            codes.join(", ")
                        )));
                    }
                    true
                }
                Some(e) => e.is_transaction_in_progress_exception(),
                None => false,
            };
            if !retry || tries >= TRANSACTION_TRIES {
                return Err(unavailable("transact_write_items", err));
            }
            tracing::debug!(lead_id = %lead.id, tries, "transaction conflict, retrying");
            tokio::time::sleep(StdDuration::from_millis(20 << tries)).await;
        }
    }

    async fn get_lead(&self, id: &str) -> Result<Option<Lead>, StoreError> {
        self.read_lead(id).await
    }

    async fn update_lead(&self, update: LeadUpdate) -> Result<Updated, StoreError> {
        let lead = &update.lead;
        let prev = lead.rev.saturating_sub(1);
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(lead_item(lead)?))
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#rev", "rev")
            .expression_attribute_values(":prev", num(prev));
        // leads written before revisions have no `rev`: they count as 0
        let put = if prev == 0 {
            put.condition_expression(
                "attribute_exists(#pk) AND (attribute_not_exists(#rev) OR #rev = :prev)",
            )
        } else {
            put.condition_expression("attribute_exists(#pk) AND #rev = :prev")
        };
        let mut items = vec![TransactWriteItem::builder()
            .put(put.build().map_err(build_error)?)
            .build()];
        items.extend(self.outbox_puts(&lead.id, &update.outbox)?);
        if items.len() > MAX_TRANSACT_ITEMS {
            return Err(StoreError::Corrupt(format!(
                "lead {} update has {} jobs; one transaction holds at most {}",
                lead.id,
                update.outbox.len(),
                MAX_TRANSACT_ITEMS - 1
            )));
        }
        let mut tries = 0;
        loop {
            tries += 1;
            let sent = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .client_request_token(request_token())
                .send()
                .await;
            let err = match sent {
                Ok(_) => return Ok(Updated::Applied(Box::new(update.lead))),
                Err(e) => e,
            };
            let retry = match err.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
                    let codes: Vec<&str> = c
                        .cancellation_reasons()
                        .iter()
                        .map(|r| r.code().unwrap_or("None"))
                        .collect();
                    if codes.first() == Some(&"ConditionalCheckFailed") {
                        return match self.read_lead(&lead.id).await? {
                            Some(_) => Ok(Updated::Changed),
                            None => Ok(Updated::NotFound),
                        };
                    }
                    codes.contains(&"TransactionConflict")
                }
                Some(e) => e.is_transaction_in_progress_exception(),
                None => false,
            };
            if !retry || tries >= TRANSACTION_TRIES {
                return Err(unavailable("transact_write_items (lead update)", err));
            }
            tokio::time::sleep(StdDuration::from_millis(20 << tries)).await;
        }
    }

    async fn write_team_state(&self, team: &str, state: &TeamState) -> Result<bool, StoreError> {
        self.take_turn(team, state).await
    }

    async fn team_states(
        &self,
        teams: &[String],
    ) -> Result<BTreeMap<String, TeamState>, StoreError> {
        let mut out = BTreeMap::new();
        for team in teams {
            let got = self
                .client
                .get_item()
                .table_name(&self.table)
                .key(PK, s(team_pk(team)))
                .key(SK, s(TEAM_STATE_SK))
                .consistent_read(true)
                .send()
                .await
                .map_err(|e| unavailable("get_item (team state)", e))?;
            if let Some(item) = got.item {
                out.insert(team.clone(), decode(&item, "team state")?);
            }
        }
        Ok(out)
    }

    async fn list_leads(&self, query: &LeadQuery) -> Result<Page<Lead>, StoreError> {
        let limit = query.limit.clamp(1, MAX_PAGE);
        // claims and owners exist on hot leads only: their filters read that partition
        let hot_only = query.unrouted || (query.filters() && query.stage.is_none());
        let (index, hash, range, value) = match (query.stage, hot_only) {
            // one contact's leads: its own partition, the other filters on top
            _ if query.contact.is_some() => (
                GSI5,
                "GSI5PK",
                "GSI5SK",
                format!("CONTACT#{}", query.contact.as_deref().unwrap_or_default()),
            ),
            (_, true) => (GSI1, "GSI1PK", "GSI1SK", stage_pk(Stage::Hot)),
            (None, false) => (GSI2, "GSI2PK", "GSI2SK", ALL_LEADS.to_owned()),
            (Some(stage), false) => (GSI1, "GSI1PK", "GSI1SK", stage_pk(stage)),
        };
        let start = match &query.cursor {
            None => None,
            Some(c) => Some(decode_cursor(c, hash, range, &value, |sk| sk == LEAD_SK)?),
        };
        // One more than a page: tells whether a `next` page exists.
        let mut filters = Vec::new();
        let mut names: Vec<(&str, &str)> = Vec::new();
        let mut values: Vec<(&str, AttributeValue)> = Vec::new();
        if query.unrouted {
            filters.push("attribute_exists(#unrouted)");
            names.push(("#unrouted", "unrouted"));
        }
        if let (Some(st), Some(_)) = (query.stage, &query.contact) {
            filters.push("#stage = :stage");
            names.push(("#stage", "stage"));
            values.push((":stage", s(st.as_str())));
        }
        if let Some(c) = query.claim {
            filters.push("#claim = :claim");
            names.push(("#claim", "claim_state"));
            values.push((":claim", s(claim_state(c))));
        }
        if let Some(t) = &query.team {
            filters.push("#owner = :owner");
            names.push(("#owner", "owner_team"));
            values.push((":owner", s(t)));
        }
        // outcomes may be on any lead (a nurture lead can be rejected): the filter reads
        // whichever partition the rest chose
        if let Some(o) = query.outcome {
            filters.push("#outcome = :outcome");
            names.push(("#outcome", "outcome"));
            values.push((":outcome", s(o.as_str())));
        }
        let mut items = if !filters.is_empty() {
            // one partition, only the items that pass (read on until a page fills)
            let filter = filters.join(" AND ");
            self.collect("query (leads, filtered)", limit + 1, start, |from, l| {
                let mut q = self
                    .query()
                    .index_name(index)
                    .key_condition_expression("#pk = :pk")
                    .filter_expression(&filter)
                    .expression_attribute_names("#pk", hash)
                    .expression_attribute_values(":pk", s(&value));
                for (k, v) in &names {
                    q = q.expression_attribute_names(*k, *v);
                }
                for (k, v) in &values {
                    q = q.expression_attribute_values(*k, v.clone());
                }
                q.scan_index_forward(false)
                    .set_limit(l)
                    .set_exclusive_start_key(from)
            })
            .await?
        } else {
            self.newest_first("query (leads)", index, hash, &value, start, limit + 1)
                .await?
        };
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|last| encode_cursor(last, hash, range))
        } else {
            None
        };
        let items = items
            .iter()
            .map(|item| decode(item, "lead"))
            .collect::<Result<_, _>>()?;
        Ok(Page { items, next })
    }
}

#[async_trait]
impl RawPayloads for DynamoStore {
    async fn get_raw(
        &self,
        lead_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(lead_pk(lead_id)))
            .key(SK, s(RAW_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("get_item (raw)", e))?;
        let Some(item) = out.item else {
            return Ok(None);
        };
        let expires = string(&item, "raw_expires_at")?;
        // Expired once `now` reaches the expiry, whether or not TTL has deleted it yet.
        if time_key(now).as_str() >= expires {
            return Ok(None);
        }
        match item.get("payload") {
            Some(AttributeValue::B(b)) => Ok(Some(b.as_ref().to_vec())),
            _ => Err(StoreError::Corrupt(format!(
                "raw payload of {lead_id} has no binary `payload`"
            ))),
        }
    }

    async fn purge_expired_raw(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        // A scan: on AWS, TTL deletes raw payloads by itself (and get_raw hides expired
        // ones meanwhile), so this is for local runs and admins, not a hot path.
        let now = time_key(now);
        let mut expired = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .scan()
                .table_name(&self.table)
                .consistent_read(true)
                .filter_expression("#sk = :raw AND #exp <= :now")
                .projection_expression("#pk, #sk")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_names("#exp", "raw_expires_at")
                .expression_attribute_values(":raw", s(RAW_SK))
                .expression_attribute_values(":now", s(&now))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable("scan (raw payloads)", e))?;
            expired.extend(page.items.unwrap_or_default());
            match page.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => break,
            }
        }
        self.delete_expired(expired, "raw_expires_at", &now, "delete_item (raw)")
            .await
    }
}

#[async_trait]
impl RejectedLog for DynamoStore {
    async fn record_rejected(&self, rejected: RejectedDelivery) -> Result<(), StoreError> {
        // A counter numbers the entries; entry `seq` replaces `seq - capacity`, so the
        // log never holds more than the capacity (and listing reads at most that many).
        let counted = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(REJECTED_PK))
            .key(SK, s(COUNTER_SK))
            .update_expression("SET #type = :type ADD #seq :one")
            .expression_attribute_names("#type", ITEM_TYPE)
            .expression_attribute_names("#seq", "seq")
            .expression_attribute_values(":type", s(TYPE_COUNTER))
            .expression_attribute_values(":one", num(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| unavailable("update_item (rejected counter)", e))?;
        let seq: u64 = counted
            .attributes
            .as_ref()
            .and_then(|a| a.get("seq"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| StoreError::Corrupt("rejected log counter is not a number".into()))?;

        let mut item = Item::new();
        item.insert(PK.into(), s(REJECTED_PK));
        item.insert(SK.into(), s(rejected_sk(seq)));
        item.insert(ITEM_TYPE.into(), s(TYPE_REJECTED));
        item.insert(DATA.into(), s(to_json(&rejected)?));
        item.insert("source_id".into(), s(&rejected.source_id));
        item.insert("received_at".into(), s(time_key(rejected.received_at)));
        item.insert(
            "rejected_expires_at".into(),
            s(time_key(rejected.expires())),
        );
        item.insert(TTL_ATTRIBUTE.into(), ttl_seconds(rejected.expires()));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| unavailable("put_item (rejected)", e))?;
        // Not one transaction with the put: if this delete fails, one entry beyond the
        // capacity stays behind, but list_rejected never reads past the capacity.
        let capacity = REJECTED_LOG_CAPACITY as u64;
        if seq > capacity {
            let dropped = self
                .client
                .delete_item()
                .table_name(&self.table)
                .key(PK, s(REJECTED_PK))
                .key(SK, s(rejected_sk(seq - capacity)))
                .send()
                .await;
            if let Err(e) = dropped {
                tracing::warn!(
                    error = %DisplayErrorContext(&e),
                    "could not drop the oldest rejected delivery"
                );
            }
        }
        Ok(())
    }

    async fn list_rejected(
        &self,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<RejectedDelivery>, StoreError> {
        let max = limit.min(REJECTED_LOG_CAPACITY);
        if max == 0 {
            return Ok(Vec::new());
        }
        // TTL deletes expired entries within about two days; until then they are
        // filtered here, so the log never shows an entry past its expiry.
        let now_key = time_key(now);
        let items = self
            .collect("query (rejected)", max, None, |from, limit| {
                self.query()
                    .key_condition_expression("#pk = :pk AND begins_with(#sk, :seq)")
                    .filter_expression("attribute_not_exists(#exp) OR #exp > :now")
                    .expression_attribute_names("#pk", PK)
                    .expression_attribute_names("#sk", SK)
                    .expression_attribute_names("#exp", "rejected_expires_at")
                    .expression_attribute_values(":pk", s(REJECTED_PK))
                    .expression_attribute_values(":seq", s(REJECTED_PREFIX))
                    .expression_attribute_values(":now", s(&now_key))
                    .scan_index_forward(false)
                    .consistent_read(true)
                    .set_limit(limit)
                    .set_exclusive_start_key(from)
            })
            .await?;
        let mut out = Vec::with_capacity(items.len());
        for item in &items {
            let r: RejectedDelivery = decode(item, "rejected delivery")?;
            // entries written before the expiry attribute existed
            if r.expires() > now {
                out.push(r);
            }
        }
        Ok(out)
    }

    async fn purge_expired_rejected(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        // One partition of at most the capacity: a query, then conditional deletes (TTL
        // does the same on AWS by itself; this is for local runs and admins).
        let now_key = time_key(now);
        let items = self
            .collect(
                "query (expired rejected)",
                REJECTED_LOG_CAPACITY,
                None,
                |from, limit| {
                    self.query()
                        .key_condition_expression("#pk = :pk AND begins_with(#sk, :seq)")
                        .filter_expression("#exp <= :now")
                        .projection_expression("#pk, #sk")
                        .expression_attribute_names("#pk", PK)
                        .expression_attribute_names("#sk", SK)
                        .expression_attribute_names("#exp", "rejected_expires_at")
                        .expression_attribute_values(":pk", s(REJECTED_PK))
                        .expression_attribute_values(":seq", s(REJECTED_PREFIX))
                        .expression_attribute_values(":now", s(&now_key))
                        .consistent_read(true)
                        .set_limit(limit)
                        .set_exclusive_start_key(from)
                },
            )
            .await?;
        self.delete_expired(
            items,
            "rejected_expires_at",
            &now_key,
            "delete_item (rejected)",
        )
        .await
    }
}

#[async_trait]
impl Outbox for DynamoStore {
    async fn claim_due_in(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: usize,
        mut lanes: Lanes,
    ) -> Result<Vec<Notification>, StoreError> {
        let mut claimed = Vec::new();
        if limit == 0 {
            return Ok(claimed);
        }
        // `{ts}#{id}` < `{now}$` ⇔ ts <= now (`$` follows `#`).
        let upper = format!("{}$", time_key(now));
        let until = now + lease;
        let mut start = None;
        loop {
            let page = self
                .query()
                .index_name(DUE_INDEX)
                .key_condition_expression("#pk = :pk AND #sk < :upper")
                .expression_attribute_names("#pk", "DUE_PK")
                .expression_attribute_names("#sk", "DUE_SK")
                .expression_attribute_values(":pk", s(DUE_PARTITION))
                .expression_attribute_values(":upper", s(&upper))
                .scan_index_forward(true)
                .limit(i32::try_from(limit - claimed.len()).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable("query (due notifications)", e))?;
            for item in page.items.unwrap_or_default() {
                // The index may lag behind the table: the version condition below turns
                // a stale entry into a lost race, never into a second lease.
                let n: Notification = decode(&item, "notification")?;
                if n.state != DeliveryState::Pending || n.next_attempt_at > now {
                    continue;
                }
                if claimed.len() >= limit || !lanes.admit(&n.id) {
                    continue;
                }
                let ver = version(&item)?;
                let mut leased = n;
                leased.next_attempt_at = until;
                if self.put_notification(&leased, ver + 1).await? {
                    claimed.push(leased);
                }
            }
            match page.last_evaluated_key {
                Some(key)
                    if !key.is_empty() && claimed.len() < limit && !lanes.looked_far_enough() =>
                {
                    start = Some(key)
                }
                _ => break,
            }
        }
        Ok(claimed)
    }

    async fn get_notification(&self, id: &str) -> Result<Option<Notification>, StoreError> {
        Ok(self.read_notification(id).await?.map(|(n, _)| n))
    }

    async fn record_attempt(
        &self,
        id: &str,
        attempt: Attempt,
        now: DateTime<Utc>,
    ) -> Result<Notification, StoreError> {
        for _ in 0..VERSION_TRIES {
            let (old, ver) = self
                .read_notification(id)
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("no notification {id}")))?;
            let n = old.after(attempt.clone(), now);
            if self.put_notification(&n, ver + 1).await? {
                return Ok(n);
            }
        }
        Err(StoreError::Unavailable(format!(
            "notification {id} kept changing while recording an attempt"
        )))
    }

    async fn redrive(&self, id: &str, now: DateTime<Utc>) -> Result<Redrive, StoreError> {
        for _ in 0..VERSION_TRIES {
            let Some((old, ver)) = self.read_notification(id).await? else {
                return Ok(Redrive::NotFound);
            };
            let Some(n) = old.redriven(now) else {
                return Ok(Redrive::NotDead(old));
            };
            if self.put_notification(&n, ver + 1).await? {
                return Ok(Redrive::Redriven(n));
            }
        }
        Err(StoreError::Unavailable(format!(
            "notification {id} kept changing while re-driving it"
        )))
    }

    /// `Query` with `Select=COUNT` on the dead letters' GSI1 partition (`NOTIFS#dead`),
    /// page after page (each counts up to 1 MB of index entries); no item is returned.
    async fn count_dead(&self) -> Result<u64, StoreError> {
        let mut count = 0u64;
        let mut start = None;
        loop {
            let page = self
                .query()
                .index_name(GSI1)
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", "GSI1PK")
                .expression_attribute_values(":pk", s(state_pk(DeliveryState::Dead)))
                .select(aws_sdk_dynamodb::types::Select::Count)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable("query (count dead letters)", e))?;
            count += u64::try_from(page.count).unwrap_or(0);
            match page.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(count),
            }
        }
    }

    async fn list_notifications(
        &self,
        state: Option<DeliveryState>,
        limit: usize,
    ) -> Result<Vec<Notification>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let (index, hash, value) = match state {
            None => (GSI2, "GSI2PK", ALL_NOTIFS.to_owned()),
            Some(state) => (GSI1, "GSI1PK", state_pk(state)),
        };
        self.newest_first("query (notifications)", index, hash, &value, None, limit)
            .await?
            .iter()
            .map(|item| decode(item, "notification"))
            .collect()
    }

    async fn list_notifications_page(
        &self,
        query: &DeliveryQuery,
    ) -> Result<Page<Notification>, StoreError> {
        let limit = query.limit.clamp(1, MAX_PAGE);
        let (index, hash, range, value) = match query.state {
            None => (GSI2, "GSI2PK", "GSI2SK", ALL_NOTIFS.to_owned()),
            Some(state) => (GSI1, "GSI1PK", "GSI1SK", state_pk(state)),
        };
        let start = match &query.cursor {
            None => None,
            Some(c) => Some(decode_cursor(c, hash, range, &value, |sk| {
                sk.starts_with(NOTIF_PREFIX)
            })?),
        };
        // One more than a page: tells whether a `next` page exists.
        let mut items = self
            .newest_first(
                "query (notifications)",
                index,
                hash,
                &value,
                start,
                limit + 1,
            )
            .await?;
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|last| encode_cursor(last, hash, range))
        } else {
            None
        };
        let items = items
            .iter()
            .map(|item| decode(item, "notification"))
            .collect::<Result<_, _>>()?;
        Ok(Page { items, next })
    }

    async fn lead_notifications(&self, lead_id: &str) -> Result<Vec<Notification>, StoreError> {
        let items = self
            .collect("query (lead notifications)", usize::MAX, None, |from, _| {
                self.query()
                    .key_condition_expression("#pk = :pk AND begins_with(#sk, :notif)")
                    .expression_attribute_names("#pk", PK)
                    .expression_attribute_names("#sk", SK)
                    .expression_attribute_values(":pk", s(lead_pk(lead_id)))
                    .expression_attribute_values(":notif", s(NOTIF_PREFIX))
                    .consistent_read(true)
                    .set_exclusive_start_key(from)
            })
            .await?;
        items
            .iter()
            .map(|item| decode(item, "notification"))
            .collect()
    }
}

// ---------------------------------------------------------------------------------
// stream images

/// The notification a stream record's image (or any item of the table) holds.
///
/// `Ok(None)` when the image is not a notification item (`item_type` is not
/// `"notification"`: a lead, raw payload, rejected entry …); `Err(Corrupt)` when it is
/// one but its `data` cannot be read — report that record as a batch item failure
/// rather than drop it. Works on the SDK's `AttributeValue` maps (e.g. from the
/// DynamoDB Streams API); for Lambda events see [`notification_from_stream_json`].
pub fn notification_from_image(
    image: &HashMap<String, AttributeValue>,
) -> Result<Option<Notification>, StoreError> {
    if image
        .get(ITEM_TYPE)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
        != Some(TYPE_NOTIFICATION)
    {
        return Ok(None);
    }
    decode(image, "notification").map(Some)
}

/// Like [`notification_from_image`], for an image in DynamoDB JSON
/// (`{"item_type": {"S": "notification"}, "data": {"S": "{…}"}, …}`): what a DynamoDB
/// Streams `GetRecords` response carries, and what `serde_json::to_value` makes of an
/// `aws_lambda_events` stream record's `change.new_image` (a `serde_dynamo::Item`).
pub fn notification_from_stream_json(
    image: &serde_json::Value,
) -> Result<Option<Notification>, StoreError> {
    let field = |name: &str| {
        image
            .get(name)
            .and_then(|v| v.get("S"))
            .and_then(|v| v.as_str())
    };
    if field(ITEM_TYPE) != Some(TYPE_NOTIFICATION) {
        return Ok(None);
    }
    let data = field(DATA).ok_or_else(|| {
        StoreError::Corrupt("notification image has no string `data` attribute".into())
    })?;
    serde_json::from_str(data)
        .map(Some)
        .map_err(|e| StoreError::Corrupt(format!("notification image: {e}")))
}

// ---------------------------------------------------------------------------------
// items and keys

fn lead_pk(lead_id: &str) -> String {
    format!("LEAD#{lead_id}")
}

fn notification_sk(id: &str) -> String {
    format!("{NOTIF_PREFIX}{id}")
}

fn rejected_sk(seq: u64) -> String {
    format!("{REJECTED_PREFIX}{seq:020}")
}

fn stage_pk(stage: Stage) -> String {
    format!("STAGE#{stage}")
}

fn state_pk(state: DeliveryState) -> String {
    format!("NOTIFS#{}", state.as_str())
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn num(v: u64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn claim_state(c: handoff_core::model::ClaimState) -> &'static str {
    match c {
        handoff_core::model::ClaimState::Unclaimed => "unclaimed",
        handoff_core::model::ClaimState::Claimed => "claimed",
    }
}

fn lead_item(lead: &Lead) -> Result<Item, StoreError> {
    let time = format!("{}#{}", time_key(lead.received_at), lead.id);
    let mut item = Item::new();
    let mut put = |k: &str, v: AttributeValue| {
        item.insert(k.to_owned(), v);
    };
    put(PK, s(lead_pk(&lead.id)));
    put(SK, s(LEAD_SK));
    put(ITEM_TYPE, s(TYPE_LEAD));
    put(DATA, s(to_json(lead)?));
    put("lead_id", s(&lead.id));
    put("source_id", s(&lead.source_id));
    put("stage", s(lead.stage.as_str()));
    put("received_at", s(time_key(lead.received_at)));
    put("GSI1PK", s(stage_pk(lead.stage)));
    put("GSI1SK", s(&time));
    put("GSI2PK", s(ALL_LEADS));
    put("GSI2SK", s(&time));
    if lead.stage == Stage::Hot && lead.route.as_ref().is_some_and(|r| r.team.is_none()) {
        put("unrouted", AttributeValue::Bool(true));
    }
    put("rev", num(lead.rev));
    if let Some(t) = lead.route.as_ref().and_then(|r| r.team.as_deref()) {
        put("owner_team", s(t));
    }
    if let Some(c) = &lead.claim {
        put("claim_state", s(claim_state(c.state)));
    }
    if let Some(o) = &lead.outcome {
        put("outcome", s(o.state.as_str()));
    }
    if let Some(c) = &lead.contact_id {
        put("contact_id", s(c));
        put("GSI5PK", s(format!("CONTACT#{c}")));
        put("GSI5SK", s(&time));
    }
    put("GSI3PK", s(format!("SOURCE#{}", lead.source_id)));
    put("GSI3SK", s(&time));
    if let Some(campaign) = lead.utm.campaign.as_deref().map(str::trim) {
        if !campaign.is_empty() {
            put("campaign", s(campaign));
            put(
                "GSI4PK",
                s(format!(
                    "CAMPAIGN#{}",
                    cut(campaign, MAX_CAMPAIGN_KEY_BYTES)
                )),
            );
            put("GSI4SK", s(&time));
        }
    }
    Ok(item)
}

fn notification_item(n: &Notification, ver: u64) -> Result<Item, StoreError> {
    let created = format!("{}#{}", time_key(n.created_at), n.id);
    let mut item = Item::new();
    let mut put = |k: &str, v: AttributeValue| {
        item.insert(k.to_owned(), v);
    };
    put(PK, s(lead_pk(&n.lead_id)));
    put(SK, s(notification_sk(&n.id)));
    put(ITEM_TYPE, s(TYPE_NOTIFICATION));
    put(DATA, s(to_json(n)?));
    put(VERSION, num(ver));
    put("notification_id", s(&n.id));
    put("lead_id", s(&n.lead_id));
    put("team", s(n.team()));
    put("delivery_state", s(n.state.as_str()));
    put("next_attempt_at", s(time_key(n.next_attempt_at)));
    put("GSI1PK", s(state_pk(n.state)));
    put("GSI1SK", s(&created));
    put("GSI2PK", s(ALL_NOTIFS));
    put("GSI2SK", s(&created));
    if n.state == DeliveryState::Pending {
        put("DUE_PK", s(DUE_PARTITION));
        put(
            "DUE_SK",
            s(format!("{}#{}", time_key(n.next_attempt_at), n.id)),
        );
    }
    Ok(item)
}

/// The TTL attribute's value for an expiry. TTL works in whole seconds: round up, so
/// TTL never deletes before the expiry.
fn ttl_seconds(expires_at: DateTime<Utc>) -> AttributeValue {
    let ttl = expires_at.timestamp() + i64::from(expires_at.timestamp_subsec_nanos() > 0);
    AttributeValue::N(ttl.max(0).to_string())
}

fn raw_item(lead_id: &str, raw: &[u8], expires_at: DateTime<Utc>) -> Item {
    HashMap::from([
        (PK.to_owned(), s(lead_pk(lead_id))),
        (SK.to_owned(), s(RAW_SK)),
        (ITEM_TYPE.to_owned(), s(TYPE_RAW)),
        ("lead_id".to_owned(), s(lead_id)),
        ("payload".to_owned(), AttributeValue::B(Blob::new(raw))),
        ("raw_expires_at".to_owned(), s(time_key(expires_at))),
        (TTL_ATTRIBUTE.to_owned(), ttl_seconds(expires_at)),
    ])
}

/// The longest prefix of `v` of at most `max` bytes, cut at a character boundary.
fn cut(v: &str, max: usize) -> &str {
    if v.len() <= max {
        return v;
    }
    let mut end = max;
    while !v.is_char_boundary(end) {
        end -= 1;
    }
    &v[..end]
}

fn key_schema(
    hash: &str,
    range: &str,
) -> Result<Vec<KeySchemaElement>, aws_sdk_dynamodb::error::BuildError> {
    Ok(vec![
        KeySchemaElement::builder()
            .attribute_name(hash)
            .key_type(KeyType::Hash)
            .build()?,
        KeySchemaElement::builder()
            .attribute_name(range)
            .key_type(KeyType::Range)
            .build()?,
    ])
}

fn string<'a>(item: &'a Item, name: &str) -> Result<&'a str, StoreError> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Ok(v),
        _ => Err(StoreError::Corrupt(format!(
            "item {} has no string `{name}`",
            describe_key(item)
        ))),
    }
}

fn version(item: &Item) -> Result<u64, StoreError> {
    item.get(VERSION)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            StoreError::Corrupt(format!(
                "item {} has no numeric `{VERSION}`",
                describe_key(item)
            ))
        })
}

fn decode<T: serde::de::DeserializeOwned>(item: &Item, what: &str) -> Result<T, StoreError> {
    let data = string(item, DATA)?;
    serde_json::from_str(data)
        .map_err(|e| StoreError::Corrupt(format!("{what} {}: {e}", describe_key(item))))
}

fn describe_key(item: &Item) -> String {
    let part = |k: &str| {
        item.get(k)
            .and_then(|v| v.as_s().ok())
            .map(String::as_str)
            .unwrap_or("?")
    };
    format!("{}/{}", part(PK), part(SK))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("cannot encode: {e}")))
}

// ---------------------------------------------------------------------------------
// cursors: the key of a page's last lead (table key + index key), as base64url JSON

fn encode_cursor(item: &Item, hash: &str, range: &str) -> String {
    let key: serde_json::Map<String, serde_json::Value> = [PK, SK, hash, range]
        .into_iter()
        .map(|k| {
            let v = item
                .get(k)
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default();
            (k.to_owned(), serde_json::Value::String(v))
        })
        .collect();
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::Value::Object(key).to_string())
}

/// The exclusive start key a cursor of the listing of `index` partition `hash = value`
/// names; `sk_ok` says which items the listing holds (by their sort key).
fn decode_cursor(
    cursor: &str,
    hash: &str,
    range: &str,
    value: &str,
    sk_ok: impl Fn(&str) -> bool,
) -> Result<Item, StoreError> {
    // the caller's mistake (400), not a store fault
    let invalid = |why: &str| {
        tracing::debug!(why, "invalid cursor");
        StoreError::InvalidCursor
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| invalid("not base64url"))?;
    let json: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&bytes).map_err(|_| invalid("not a cursor this API handed out"))?;
    let mut key = Item::new();
    for k in [PK, SK, hash, range] {
        let v = json
            .get(k)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| invalid("not a cursor of this listing"))?;
        key.insert(k.to_owned(), s(v));
    }
    if json.len() != 4
        || key
            .get(hash)
            .and_then(|v| v.as_s().ok())
            .map(String::as_str)
            != Some(value)
        || !key
            .get(SK)
            .and_then(|v| v.as_s().ok())
            .is_some_and(|sk| sk_ok(sk))
    {
        return Err(invalid("not a cursor of this listing"));
    }
    Ok(key)
}

// ---------------------------------------------------------------------------------
// errors

/// Any SDK failure (throttling, timeouts, an unreachable endpoint, a missing table …):
/// the caller answers 503 so the provider retries.
fn unavailable(op: &str, e: impl std::error::Error) -> StoreError {
    StoreError::Unavailable(format!("dynamodb {op}: {}", DisplayErrorContext(e)))
}

fn build_error(e: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::Unavailable(format!("dynamodb request: {e}"))
}

/// A token unique to this call (`ClientRequestToken`, at most 36 characters).
fn request_token() -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
    format!(
        "{:x}-{:x}-{:x}",
        nanos,
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn due_upper_bound_includes_now_and_excludes_later() {
        let now = Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 0).unwrap();
        let upper = format!("{}$", time_key(now));
        assert!(format!("{}#ld_x.sales.0", time_key(now)) < upper);
        assert!(
            format!(
                "{}#ld_x.sales.0",
                time_key(now - chrono::Duration::seconds(1))
            ) < upper
        );
        assert!(format!("{}#a", time_key(now + chrono::Duration::nanoseconds(1))) > upper);
    }

    #[test]
    fn cursors_round_trip_and_reject_strangers() {
        let is_lead = |sk: &str| sk == LEAD_SK;
        let mut item = Item::new();
        item.insert(PK.into(), s("LEAD#ld_1"));
        item.insert(SK.into(), s(LEAD_SK));
        item.insert("GSI2PK".into(), s(ALL_LEADS));
        item.insert("GSI2SK".into(), s("2025-03-14T09:00:00.000000000Z#ld_1"));
        let c = encode_cursor(&item, "GSI2PK", "GSI2SK");
        let key = decode_cursor(&c, "GSI2PK", "GSI2SK", ALL_LEADS, is_lead).unwrap();
        assert_eq!(key, item);
        // a cursor of the "all" listing is not one of the hot listing
        let e = decode_cursor(&c, "GSI1PK", "GSI1SK", "STAGE#hot", is_lead).unwrap_err();
        assert!(e.to_string().contains("invalid cursor"), "{e}");
        for bad in ["", "!!!", "bm90IGpzb24", "e30"] {
            let e = decode_cursor(bad, "GSI2PK", "GSI2SK", ALL_LEADS, is_lead).unwrap_err();
            assert!(matches!(&e, StoreError::InvalidCursor), "{e}");
        }
    }

    #[test]
    fn campaign_keys_are_cut_at_a_character_boundary() {
        let long = "é".repeat(400); // 800 bytes
        let c = cut(&long, MAX_CAMPAIGN_KEY_BYTES);
        assert!(c.len() <= MAX_CAMPAIGN_KEY_BYTES && c.len() >= MAX_CAMPAIGN_KEY_BYTES - 1);
        assert_eq!(cut("spring", 512), "spring");
    }

    #[test]
    fn raw_ttl_rounds_up_to_whole_seconds() {
        let at = Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 0).unwrap();
        let ttl = |t| match raw_item("ld_1", b"x", t).remove(TTL_ATTRIBUTE) {
            Some(AttributeValue::N(n)) => n.parse::<i64>().unwrap(),
            other => panic!("{other:?}"),
        };
        assert_eq!(ttl(at), at.timestamp());
        assert_eq!(
            ttl(at + chrono::Duration::milliseconds(1)),
            at.timestamp() + 1
        );
    }
}
