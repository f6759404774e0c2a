//! `peers/standard_webhooks_verify`: one Standard Webhooks signature (same secret, id,
//! timestamp, ~2 KB body and headers) verified by handoff's `signing::verify`, by the
//! `standardwebhooks` crate (the reference library) and by `svix::webhooks::Webhook`.
//!
//! The peers are measured the way their docs use them — `Webhook::new(secret)` once,
//! then `verify(payload, &headers)` — and also with `new` inside the loop, which is the
//! same work handoff does per call (it decodes the source's secret on every delivery).
//! All three check the timestamp against the wall clock; the delivery is signed with
//! the current time. Run with `scripts/bench.sh`.

use std::hint::black_box;

use chrono::Utc;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use http::{HeaderMap, HeaderName, HeaderValue};

use handoff_core::providers::standard;
use handoff_core::signing;

#[allow(dead_code)] // the hot-path bench uses all of it, this one only the Standard delivery
mod common;

fn peers(c: &mut Criterion) {
    let d = common::deliveries(Utc::now())
        .into_iter()
        .find(|d| d.kind == standard::KIND)
        .expect("a Standard Webhooks delivery");
    let secret = d.secret;
    let body = d.body.as_slice();
    let headers = &d.headers;
    let map: HeaderMap = headers
        .iter()
        .map(|(k, v)| {
            (
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            )
        })
        .collect();

    let swh = standardwebhooks::Webhook::new(secret).expect("standardwebhooks takes the secret");
    let svix = svix::webhooks::Webhook::new(secret).expect("svix takes the secret");

    // like with like: all three accept this delivery, and all three reject a tampered body
    signing::verify(secret, headers, body, Utc::now()).expect("handoff verifies");
    swh.verify(body, &map).expect("standardwebhooks verifies");
    svix.verify(body, &map).expect("svix verifies");
    let mut tampered = body.to_vec();
    tampered[10] ^= 1;
    assert!(signing::verify(secret, headers, &tampered, Utc::now()).is_err());
    assert!(swh.verify(&tampered, &map).is_err());
    assert!(svix.verify(&tampered, &map).is_err());
    eprintln!(
        "peers/standard_webhooks_verify: body {} bytes, webhook-id {}, webhook-timestamp {}",
        body.len(),
        d.delivery_id,
        d.timestamp
    );

    let mut g = c.benchmark_group("peers/standard_webhooks_verify");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("handoff", |b| {
        b.iter(|| signing::verify(secret, headers, black_box(body), Utc::now()).unwrap())
    });
    g.bench_function("standardwebhooks", |b| {
        b.iter(|| swh.verify(black_box(body), &map).unwrap())
    });
    g.bench_function("svix", |b| {
        b.iter(|| svix.verify(black_box(body), &map).unwrap())
    });
    g.bench_function("standardwebhooks_new_verify", |b| {
        b.iter(|| {
            standardwebhooks::Webhook::new(black_box(secret))
                .unwrap()
                .verify(black_box(body), &map)
                .unwrap()
        })
    });
    g.bench_function("svix_new_verify", |b| {
        b.iter(|| {
            svix::webhooks::Webhook::new(black_box(secret))
                .unwrap()
                .verify(black_box(body), &map)
                .unwrap()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = peers
}
criterion_main!(benches);
