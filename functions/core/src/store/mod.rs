//! The store port: everything handoff keeps, by role. Implemented by the embedded store
//! (`infra/embedded`, redb) for local runs and by DynamoDB (`infra/dynamodb`) on AWS.
//!
//! Each role is a small trait in a file of its own, with the types it owns:
//!
//! | role | trait | owns |
//! |---|---|---|
//! | [`leads`] | [`Leads`] | [`NewLead`], [`Inserted`], [`LeadQuery`], [`Page`] |
//! | [`outbox`] | [`Outbox`] | [`Notification`], [`DeliveryState`], [`Attempt`] |
//! | [`rejected`] | [`RejectedLog`] | [`RejectedDelivery`], [`REJECTED_LOG_CAPACITY`] |
//! | [`raw`] | [`RawPayloads`] | — |
//!
//! [`LeadStore`] is all of them at once (a blanket impl: implement the roles, get the
//! store), for code that holds the whole store as `Arc<dyn LeadStore>`; code that needs
//! one role can take `&dyn Outbox` and the like. Calling a role's methods on a concrete
//! store (`EmbeddedStore`, `DynamoStore`) needs its trait in scope
//! (`use handoff_core::store::{Leads, Outbox};`); on a `dyn LeadStore` it does not.
//!
//! [`keys`] has what both stores key by (one sortable time key). `contract` (feature
//! `contract`) is the test suite every implementation must pass, one module per role.
//!
//! ## Adding a role (say `claims`)
//!
//! 1. `store/claims.rs`: the trait (`#[async_trait] pub trait Claims: Send + Sync`) and
//!    the types it owns; `pub mod claims;` and `pub use claims::{…};` here.
//! 2. Add `Claims` to [`LeadStore`]'s supertraits and to the blanket impl's bounds.
//! 3. `store/contract/claims.rs`: `pub fn checks()` listing the checks with `checks![…]`
//!    and the checks themselves (`pub async fn …(store: &dyn Claims)`, or
//!    `&dyn LeadStore` where they need other roles); `pub mod claims;` and a
//!    `("claims", claims::checks())` entry in `contract::roles()` (and in the role
//!    counts its unit test pins).
//! 4. `impl Claims for EmbeddedStore` (`infra/embedded`; create new tables in `open`,
//!    and bump `FORMAT` with an upgrade step only if existing keys or values change) and
//!    `impl Claims for DynamoStore` (`infra/dynamodb`, and its items in `TABLE.md`).
//! 5. `claims: [check, …]` in `contract_tests!` of `infra/embedded/tests/contract.rs`
//!    and `infra/dynamodb/tests/contract.rs` (`every_contract_check_has_a_test_here`
//!    fails until both list every role and check).

pub mod keys;
pub mod leads;
pub mod outbox;
pub mod raw;
pub mod rejected;

#[cfg(any(test, feature = "contract"))]
pub mod contract;

pub use leads::{Inserted, LeadQuery, LeadUpdate, Leads, NewLead, Page, TeamState, Updated};
pub use outbox::{
    Attempt, DeliveryQuery, DeliveryState, Job, Lanes, Notification, Outbox, PastRun, Redrive,
    MAX_PASSED_OVER,
};
pub use raw::RawPayloads;
pub use rejected::{RejectedDelivery, RejectedLog, REJECTED_LOG_CAPACITY};

/// Store failures. `Unavailable` and `Corrupt` map to `503 store_unavailable` at the
/// edge, so the provider retries; none of them may leave a half-written lead behind.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store unavailable: {0}")]
    Unavailable(String),
    #[error("store data is corrupt: {0}")]
    Corrupt(String),
    /// A listing cursor this store did not hand out (the caller's mistake: 400).
    #[error("invalid cursor")]
    InvalidCursor,
}

/// Everything handoff keeps: every role at once. Implemented for every type that
/// implements all the roles; a new role joins the list here and in the blanket impl.
pub trait LeadStore: Leads + Outbox + RejectedLog + RawPayloads {}

impl<T> LeadStore for T where T: Leads + Outbox + RejectedLog + RawPayloads + ?Sized {}
