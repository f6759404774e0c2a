//! The outbox's one drain loop against the embedded store and a real HTTP receiver:
//! due jobs run once, jobs due later wait, and outbound signatures are dated by the
//! injected clock (not the machine's).

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use handoff_core::clock::ManualClock;
use handoff_core::config::Config;
use handoff_core::model::Stage;
use handoff_core::outbox::{drain, Dispatcher, Job};
use handoff_core::store::contract::{sample_new_lead, t0};
use handoff_core::store::{DeliveryState, Leads, Notification, Outbox};
use handoff_embedded::EmbeddedStore;
use handoff_tests::Receiver;

/// The drain loop's wait while deliveries are in flight.
fn tick() -> tokio::time::Sleep {
    tokio::time::sleep(StdDuration::from_millis(50))
}

/// A hot lead of source `w` whose outbox is one notify job for `team`'s entry `crm`,
/// due at `due`; returns it with the job's id.
fn lead_with_job(
    tag: &str,
    team: &str,
    due: chrono::DateTime<chrono::Utc>,
) -> (handoff_core::store::NewLead, String) {
    let mut lead = sample_new_lead("w", tag, Stage::Hot, t0());
    lead.outbox = vec![Notification::new(
        &lead.lead.id,
        Job::notify(team, "crm"),
        due,
    )];
    let id = lead.outbox[0].id.clone();
    (lead, id)
}

/// The real HTTP notifier over `store`, on `clock`.
fn dispatcher(store: Arc<EmbeddedStore>, clock: Arc<ManualClock>, timeout_secs: u64) -> Dispatcher {
    Dispatcher {
        store,
        notifier: Arc::new(handoff_notify::HttpNotifier::new(StdDuration::from_secs(
            timeout_secs,
        ))),
        clock,
    }
}

const HOOK_SECRET: &str = "whsec_aGFuZG9mZi10ZXN0LXJlY2VpdmVyLXNlY3JldA==";

fn config(url: &str) -> Config {
    // the older doubling keys: exact waits (no jitter), 2 s after the first failure
    let text = format!(
        r#"
[delivery]
max_attempts = 5
backoff_initial_ms = 2000
backoff_max_ms = 300000

[[source]]
id = "w"
provider = "typeform"
business = "b2b"
channel = "web_form"
secret = "tf-secret-0123456789"

[[team]]
name = "sales"
channels = ["web_form"]
[[team.notify]]
id = "crm"
kind = "webhook"
url = "{url}"
secret = "{HOOK_SECRET}"
"#
    );
    Config::from_toml_str(&text, "outbox.toml", &|_| None).expect("config")
}

#[tokio::test(flavor = "multi_thread")]
async fn drain_runs_due_jobs_once_waits_for_later_ones_and_signs_on_the_injected_clock() {
    let hook = Receiver::start(0, 200).await;
    let config = config(&hook.url("/crm"));
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
    let clock = Arc::new(ManualClock::new(t0()));

    // one lead with a job due now, one with a job due in an hour
    let (now_lead, now_id) = lead_with_job("d-now", "sales", t0());
    let (later_lead, later_id) = lead_with_job("d-later", "sales", t0() + Duration::hours(1));
    store.insert_lead(now_lead).await.unwrap();
    store.insert_lead(later_lead).await.unwrap();

    let d = dispatcher(store.clone(), clock.clone(), 5);
    assert_eq!(
        drain(&d, &config, 8, tick).await.unwrap(),
        1,
        "only the due job runs"
    );
    let got = hook.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header("webhook-id"), Some(now_id.as_str()));
    assert_eq!(
        got[0].header("webhook-timestamp"),
        Some(t0().timestamp().to_string().as_str()),
        "dated by the injected clock"
    );
    let sent = store.get_notification(&now_id).await.unwrap().unwrap();
    assert_eq!((sent.state, sent.attempts), (DeliveryState::Sent, 1));

    assert_eq!(
        drain(&d, &config, 8, tick).await.unwrap(),
        0,
        "nothing is run twice"
    );
    assert_eq!(hook.received().len(), 1);

    clock.advance(Duration::hours(1));
    assert_eq!(
        drain(&d, &config, 8, tick).await.unwrap(),
        1,
        "the later job, once due"
    );
    let got = hook.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].header("webhook-id"), Some(later_id.as_str()));
    assert_eq!(
        got[1].header("webhook-timestamp"),
        Some((t0() + Duration::hours(1)).timestamp().to_string().as_str())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_for_a_notify_entry_that_is_gone_is_a_dead_letter_saying_so() {
    let hook = Receiver::start(0, 200).await;
    let config = config(&hook.url("/crm"));
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
    let mut lead = sample_new_lead("w", "d-gone", Stage::Hot, t0());
    lead.outbox = vec![Notification::new(
        &lead.lead.id,
        Job::notify("sales", "old-slack"),
        t0(),
    )];
    let id = lead.outbox[0].id.clone();
    store.insert_lead(lead).await.unwrap();
    let d = Dispatcher {
        store: store.clone(),
        notifier: Arc::new(handoff_notify::HttpNotifier::new(StdDuration::from_secs(5))),
        clock: Arc::new(ManualClock::new(t0())),
    };
    assert_eq!(drain(&d, &config, 8, tick).await.unwrap(), 1);
    let n = store.get_notification(&id).await.unwrap().unwrap();
    assert_eq!(n.state, DeliveryState::Dead);
    assert!(
        n.last_error
            .as_deref()
            .unwrap()
            .contains("has no notify entry \"old-slack\""),
        "{n:?}"
    );
    assert!(hook.received().is_empty(), "never sent to another entry");
}

/// A receiver that answers every POST with `status` and `headers`, counting the requests.
async fn answering(
    status: u16,
    headers: Vec<(&'static str, String)>,
) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(move || {
        let (h, headers) = (h.clone(), headers.clone());
        async move {
            h.fetch_add(1, Ordering::SeqCst);
            let mut r = axum::response::Response::new(axum::body::Body::empty());
            *r.status_mut() = axum::http::StatusCode::from_u16(status).unwrap();
            for (k, v) in headers {
                r.headers_mut().insert(k, v.parse().unwrap());
            }
            r
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), hits)
}

/// One drain of one notify job to `url`; returns the recorded item.
async fn one_attempt(url: &str, tag: &str) -> Notification {
    let config = config(url);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
    let (lead, id) = lead_with_job(tag, "sales", t0());
    store.insert_lead(lead).await.unwrap();
    let d = dispatcher(store.clone(), Arc::new(ManualClock::new(t0())), 5);
    assert_eq!(drain(&d, &config, 8, tick).await.unwrap(), 1);
    store.get_notification(&id).await.unwrap().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn redirects_are_never_followed_and_are_a_failed_attempt_naming_the_location() {
    use std::sync::atomic::Ordering;
    let (elsewhere, elsewhere_hits) = answering(200, vec![]).await;
    for status in [301, 302, 307, 308] {
        let (url, hits) = answering(status, vec![("location", elsewhere.clone())]).await;
        let n = one_attempt(&url, &format!("redir-{status}")).await;
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        assert_eq!(
            n.state,
            DeliveryState::Pending,
            "{status}: retried later, not sent"
        );
        let e = n.last_error.unwrap();
        assert!(
            e.contains(&status.to_string()) && e.contains(&elsewhere),
            "{e}"
        );
    }
    assert_eq!(
        elsewhere_hits.load(Ordering::SeqCst),
        0,
        "the signed body never went to the Location"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_after_is_honoured_beyond_the_backoff() {
    // the config's backoff starts at 2 s; the receiver asks for 30 s, or a date 10 min on
    for (status, value, want) in [
        (429, "30".to_string(), Duration::seconds(30)),
        (503, "30".to_string(), Duration::seconds(30)),
        (
            429,
            (t0() + Duration::minutes(10))
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string(),
            Duration::minutes(10),
        ),
        (429, "86400000".to_string(), Duration::hours(24)),
    ] {
        let (url, _) = answering(status, vec![("retry-after", value.clone())]).await;
        let n = one_attempt(&url, &format!("ra-{status}-{}", value.len())).await;
        assert_eq!(n.state, DeliveryState::Pending);
        assert_eq!(
            n.next_attempt_at,
            t0() + want,
            "{status} Retry-After: {value} — {:?}",
            n.last_error
        );
    }
    // without Retry-After, the backoff (2 s after the first failure)
    let (url, _) = answering(429, vec![]).await;
    let n = one_attempt(&url, "ra-none").await;
    assert_eq!(n.next_attempt_at, t0() + Duration::seconds(2));
}

/// One slow target holds at most half of the slots, not the loop: with more jobs
/// for a hanging receiver than there are slots, a job for another target that falls due
/// meanwhile is delivered before the hanging receiver answers any.
#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_receiver_does_not_hold_up_other_targets() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // the slow receiver records each request, then holds it until released
    let release = Arc::new(tokio::sync::Semaphore::new(0));
    let arrived = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let slow_url = format!("http://{}/slow", listener.local_addr().unwrap());
    let (r, a) = (release.clone(), arrived.clone());
    let slow = axum::Router::new().fallback(move || {
        let (r, a) = (r.clone(), a.clone());
        async move {
            a.fetch_add(1, Ordering::SeqCst);
            r.acquire().await.unwrap().forget();
            "ok"
        }
    });
    tokio::spawn(async move { axum::serve(listener, slow).await.unwrap() });
    let fast = Receiver::start(0, 200).await;

    let text = format!(
        r#"
[delivery]
max_attempts = 3
backoff_initial_ms = 1000

[[source]]
id = "w"
provider = "typeform"
business = "b2b"
channel = "web_form"
secret = "tf-secret-0123456789"

[[team]]
name = "slow-team"
channels = ["web_form"]
[[team.notify]]
id = "crm"
kind = "webhook"
url = "{slow_url}"

[[team]]
name = "fast-team"
channels = ["web_form"]
[[team.notify]]
id = "crm"
kind = "webhook"
url = "{}"
"#,
        fast.url("/fast")
    );
    let config = Config::from_toml_str(&text, "slow.toml", &|_| None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
    let clock = Arc::new(ManualClock::new(t0()));
    // more jobs for the slow receiver than the drain has slots (8)
    for n in 0..12 {
        let (slow_lead, _) = lead_with_job(&format!("slow-{n}"), "slow-team", t0());
        store.insert_lead(slow_lead).await.unwrap();
    }
    // falls due after the slow ones have started
    let (fast_lead, _) = lead_with_job("fast-1", "fast-team", t0() + Duration::seconds(1));
    store.insert_lead(fast_lead).await.unwrap();

    let d = dispatcher(store.clone(), clock.clone(), 30);
    let draining = tokio::spawn(async move { drain(&d, &config, 8, tick).await });
    // the slow deliveries are under way, four of them (half of the 8 slots)...
    for _ in 0..200 {
        if arrived.load(Ordering::SeqCst) >= 4 {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(25)).await;
    }
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    assert_eq!(
        arrived.load(Ordering::SeqCst),
        4,
        "the slow receiver holds at most half of the slots"
    );
    // ...when the fast team's job falls due: it is sent while the slow ones still hang
    clock.advance(Duration::seconds(1));
    let got = fast.wait_for(1, StdDuration::from_secs(10)).await;
    assert_eq!(
        got.len(),
        1,
        "the fast team was not held up by the slow receiver"
    );
    assert_eq!(
        arrived.load(Ordering::SeqCst),
        4,
        "no slow one was answered"
    );
    release.add_permits(1000);
    assert_eq!(draining.await.unwrap().unwrap(), 13);
    assert_eq!(arrived.load(Ordering::SeqCst), 12);
}
