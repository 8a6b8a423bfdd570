//! Server-sent events of one execution, for the console's live view:
//! `GET /events/executions/{id}` (a signed-in session with `executions:read`).
//!
//! It first sends the log lines stored so far, the latest progress and the status, then
//! forwards the engine's live events for that execution, and ends once it has finished.
//! A run on another instance sends no live events here, so the stream also re-reads the
//! database every couple of seconds for new log lines and the final status. At each of
//! those checks it also checks the session: a stream ends, saying why, once its session
//! is signed out, revoked or expired, its user disabled, or executions:read taken away.

use super::auth::{AuthUser, ClientInfo};
use super::execution_query as q;
use super::state::AppState;
use crate::api::execution_types::{LiveEvent, LogLine, is_finished};
use crate::core::{Actor, Ctx, executions};
use crate::engine::Event;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

/// How often the stream checks the database besides the live events.
const RECHECK: Duration = Duration::from_secs(2);

pub async fn execution_events(
    State(state): State<AppState>,
    user: Option<Extension<AuthUser>>,
    Path(id): Path<i64>,
) -> Response {
    let Some(Extension(user)) = user else {
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    };
    // Subscribe before reading the stored lines, so no line falls in between.
    let live = state.engine.subscribe();
    let session_id = user.session_id;
    let client = ClientInfo::default();
    let ctx = Ctx {
        state: &state,
        client: &client,
    };
    if let Err(e) = executions::follow(&ctx, &Actor::User(user), id).await {
        let e: crate::api::error::ApiError = e.into();
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, e.to_string()).into_response();
    }
    let (tx, rx) = mpsc::channel::<LiveEvent>(256);
    tokio::spawn(forward(state, id, session_id, live, tx));
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        let event = rx.recv().await?;
        let sse = SseEvent::default()
            .json_data(&event)
            .unwrap_or_else(|_| SseEvent::default().comment("unserializable event"));
        Some((Ok::<_, Infallible>(sse), rx))
    });
    let mut res = Sse::new(stream).keep_alive(KeepAlive::default()).into_response();
    res.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-cache"),
    );
    res
}

fn log_event(l: LogLine) -> LiveEvent {
    LiveEvent::Log {
        seq: l.seq,
        at: l.at,
        level: l.level,
        stage: l.stage,
        message: l.message,
    }
}

/// Sends the stored lines newer than `last_seq` and the status; `Some(true)` once finished,
/// `None` when the browser went away.
async fn catch_up(
    state: &AppState,
    id: i64,
    last_seq: &mut i32,
    tx: &mpsc::Sender<LiveEvent>,
) -> Option<bool> {
    let (Ok(found), Ok(lines)) = (q::find(&state.db, id).await, q::log(&state.db, id).await) else {
        return Some(false);
    };
    let from = *last_seq;
    for line in lines.into_iter().filter(|l| l.seq > from) {
        *last_seq = line.seq;
        tx.send(log_event(line)).await.ok()?;
    }
    let status = q::row(&found, &Default::default()).status;
    let finished = is_finished(&status);
    if finished {
        tx.send(LiveEvent::Status { status }).await.ok()?;
    }
    Some(finished)
}

async fn forward(
    state: AppState,
    id: i64,
    session_id: i64,
    mut live: tokio::sync::broadcast::Receiver<Event>,
    tx: mpsc::Sender<LiveEvent>,
) {
    let mut last_seq = 0;
    if let Ok(found) = q::find(&state.db, id).await {
        let status = q::row(&found, &Default::default()).status;
        if tx.send(LiveEvent::Status { status }).await.is_err() {
            return;
        }
    }
    if let Some(p) = state.engine.progress(id) {
        let _ = tx
            .send(LiveEvent::Progress {
                progress: q::progress(&p),
            })
            .await;
    }
    if catch_up(&state, id, &mut last_seq, &tx).await != Some(false) {
        return;
    }
    let mut recheck = tokio::time::interval(RECHECK);
    recheck.tick().await;
    loop {
        let event = tokio::select! {
            _ = tx.closed() => return,
            _ = recheck.tick() => {
                if let Some(reason) = executions::follow_ends(&state, session_id).await {
                    let _ = tx.send(LiveEvent::Ended { reason }).await;
                    return;
                }
                if catch_up(&state, id, &mut last_seq, &tx).await != Some(false) {
                    return;
                }
                continue;
            }
            event = live.recv() => event,
        };
        let out = match event {
            Ok(Event::Progress {
                execution_id,
                progress,
            }) if execution_id == id => LiveEvent::Progress {
                progress: q::progress(&progress),
            },
            Ok(Event::Log {
                execution_id,
                seq,
                at,
                level,
                stage,
                message,
            }) if execution_id == id => {
                if seq <= last_seq {
                    continue;
                }
                last_seq = seq;
                LiveEvent::Log {
                    seq,
                    at: at.to_rfc3339(),
                    level: serde_json::to_value(level)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    stage,
                    message,
                }
            }
            Ok(Event::Status { execution_id, status }) if execution_id == id => {
                let status = serde_json::to_value(status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                if is_finished(&status) {
                    // Lines stored before the final status may have been missed; then end.
                    let _ = catch_up(&state, id, &mut last_seq, &tx).await;
                    return;
                }
                LiveEvent::Status { status }
            }
            Ok(_) => continue,
            Err(RecvError::Lagged(_)) => {
                if catch_up(&state, id, &mut last_seq, &tx).await != Some(false) {
                    return;
                }
                continue;
            }
            Err(RecvError::Closed) => return,
        };
        if tx.send(out).await.is_err() {
            return;
        }
    }
}
