//! The local server's connections: at most `max_connections` open at once (more wait in
//! the listen backlog), and every connection watched against a slow or silent client:
//!
//! - **headers**: from the first byte of a request until its headers are complete, at
//!   most `header_timeout`; then the connection is closed (no response can be framed);
//! - **body**: the handler reads the body within `body_timeout`, else `408
//!   request_timeout` and the connection is closed ([`handoff_edge::handle_within`]);
//! - **idle**: a connection with no request in progress and no bytes either way for
//!   `idle_timeout` is closed.
//!
//! hyper's own `header_read_timeout` is not used: it also starts when a keep-alive
//! connection goes idle, which would make the idle timeout the header timeout.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use handoff_core::app::App;
use handoff_core::config::ServerConfig;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};

/// The `[server]` limits the local server applies to its clients.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl From<&ServerConfig> for Limits {
    fn from(c: &ServerConfig) -> Self {
        let d = |d: chrono::Duration| d.to_std().unwrap_or(Duration::from_secs(1));
        Limits {
            header_timeout: d(c.header_timeout),
            body_timeout: d(c.body_timeout),
            idle_timeout: d(c.idle_timeout),
            max_connections: c.max_connections,
        }
    }
}

/// Accepts connections until `shutdown` resolves, then lets open ones finish (at most
/// 10 s) and returns.
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            _ = &mut shutdown => break,
        };
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // EMFILE and friends: wait for connections to close instead of spinning
                    tracing::warn!(error = %e, "cannot accept a connection; retrying in 100 ms");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let stop = stop_rx.clone();
        tokio::spawn(async move {
            connection(stream, app, limits, stop).await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(Duration::from_secs(10), slots.acquire_many(all)).await;
}

/// What the watchdog knows about one connection, in milliseconds since it opened.
#[derive(Default)]
struct Activity {
    /// Last time a byte was read or written.
    last_io: AtomicU64,
    /// When the first byte of a request whose headers are not complete arrived (0: none).
    head_started: AtomicU64,
    /// Requests whose headers are complete and whose response is not yet produced.
    in_flight: AtomicUsize,
}

enum Verdict {
    Fine,
    HeaderTimeout,
    Idle,
}

impl Activity {
    fn verdict(&self, now: u64, limits: &Limits) -> Verdict {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return Verdict::Fine; // the body timeout is the handler's
        }
        let started = self.head_started.load(Ordering::SeqCst);
        if started > 0 && now.saturating_sub(started) >= ms(limits.header_timeout) {
            return Verdict::HeaderTimeout;
        }
        if started == 0
            && now.saturating_sub(self.last_io.load(Ordering::SeqCst)) >= ms(limits.idle_timeout)
        {
            return Verdict::Idle;
        }
        Verdict::Fine
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

async fn connection(
    stream: TcpStream,
    app: Arc<App>,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let opened = Instant::now();
    // 1 ms, not 0: 0 means "no request started"
    let now = move || ms(opened.elapsed()).max(1);
    let activity = Arc::new(Activity::default());
    activity.last_io.store(now(), Ordering::SeqCst);
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: activity.clone(),
        now,
    });
    let seen = activity.clone();
    let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let app = app.clone();
        let activity = seen.clone();
        activity.in_flight.fetch_add(1, Ordering::SeqCst);
        activity.head_started.store(0, Ordering::SeqCst);
        async move {
            let path = req.uri().path().to_string();
            let response =
                handoff_edge::handle_within(&app, &path, req, Some(limits.body_timeout)).await;
            activity.last_io.store(now(), Ordering::SeqCst);
            activity.in_flight.fetch_sub(1, Ordering::SeqCst);
            Ok::<_, Infallible>(response.map(Full::new))
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let tick = (limits.header_timeout.min(limits.idle_timeout) / 4)
        .clamp(Duration::from_millis(50), Duration::from_secs(1));
    let mut ticks = tokio::time::interval(tick);
    let mut stopping = false;
    loop {
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            _ = ticks.tick() => match activity.verdict(now(), &limits) {
                Verdict::Fine => {}
                Verdict::HeaderTimeout => {
                    tracing::info!(
                        timeout_s = limits.header_timeout.as_secs(),
                        "closing a connection whose request headers did not arrive in time"
                    );
                    return;
                }
                Verdict::Idle => {
                    tracing::debug!("closing an idle connection");
                    return;
                }
            },
            _ = stop.changed(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// The TCP stream, noting every read and write on the connection's [`Activity`].
struct Watched<F> {
    inner: TcpStream,
    activity: Arc<Activity>,
    now: F,
}

impl<F: Fn() -> u64 + Unpin> AsyncRead for Watched<F> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let r = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            let t = (this.now)();
            this.activity.last_io.store(t, Ordering::SeqCst);
            if this.activity.in_flight.load(Ordering::SeqCst) == 0 {
                // the first bytes of a new request: its headers' clock starts
                let _ = this.activity.head_started.compare_exchange(
                    0,
                    t,
                    Ordering::SeqCst,
                    Ordering::SeqCst,
                );
            }
        }
        r
    }
}

impl<F: Fn() -> u64 + Unpin> AsyncWrite for Watched<F> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.last_io.store((this.now)(), Ordering::SeqCst);
        }
        r
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.last_io.store((this.now)(), Ordering::SeqCst);
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
