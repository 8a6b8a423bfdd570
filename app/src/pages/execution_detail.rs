//! One execution: status, timings, sizes, checksum, per-destination results, error and
//! the log. While it runs, the page follows it live over server-sent events.

use super::executions::StatusBadge;
use crate::api::execution_types::{
    DestinationResult, ExecutionDetail, LiveEvent, LogLine, ProgressView, human_bytes, human_duration,
    is_finished, short_time,
};
use crate::api::executions::{CancelExecution, get_execution};
use crate::components::error_note::{ErrorNote, action_error};
use crate::components::log_view::LogView;
use crate::components::progress_bar::ProgressBar;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// What the live stream has told the page so far.
#[derive(Clone, Copy)]
pub struct Live {
    pub status: RwSignal<Option<String>>,
    pub progress: RwSignal<Option<ProgressView>>,
    pub lines: RwSignal<Vec<LogLine>>,
    /// Bumped when the run finishes, to reload the final sizes and results.
    pub finished: RwSignal<u32>,
    /// Why the server ended the stream before the run finished (the session ended).
    pub ended: RwSignal<Option<String>>,
}

impl Live {
    pub fn apply(self, event: LiveEvent) {
        match event {
            LiveEvent::Progress { progress } => self.progress.set(Some(progress)),
            LiveEvent::Log {
                seq,
                at,
                level,
                stage,
                message,
            } => self.lines.update(|v| {
                if v.last().is_none_or(|l| l.seq < seq) {
                    v.push(LogLine {
                        seq,
                        at,
                        level,
                        stage,
                        message,
                    });
                }
            }),
            LiveEvent::Status { status } => {
                let done = is_finished(&status);
                self.status.set(Some(status));
                if done {
                    self.progress.set(None);
                    self.finished.update(|n| *n += 1);
                }
            }
            LiveEvent::Ended { reason } => self.ended.set(Some(reason)),
        }
    }
}

#[component]
pub fn ExecutionDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let live = Live {
        status: RwSignal::new(None),
        progress: RwSignal::new(None),
        lines: RwSignal::new(Vec::new()),
        finished: RwSignal::new(0),
        ended: RwSignal::new(None),
    };
    let cancel = ServerAction::<CancelExecution>::new();
    let detail = Resource::new(
        move || (id.get(), live.finished.get(), cancel.version().get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => get_execution(id).await,
                None => Err(crate::api::error::ApiError::NotFound("No such execution.".into())),
            }
        },
    );
    follow(id, detail, live);
    view! {
        <Title text=move || id.get().map(|i| format!("Execution #{i}")).unwrap_or_default()/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || detail.get().map(|r| match r {
                Ok(d) => view! { <Detail detail=d live cancel/> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

/// In the browser: opens the live stream once the execution is known to be unfinished.
#[allow(unused_variables)]
fn follow(
    id: Memo<Option<i64>>,
    detail: Resource<Result<ExecutionDetail, crate::api::error::ApiError>>,
    live: Live,
) {
    #[cfg(feature = "hydrate")]
    {
        let source = StoredValue::new_local(None::<web_sys::EventSource>);
        Effect::new(move |_| {
            let unfinished = detail
                .get()
                .and_then(|r| r.ok())
                .is_some_and(|d| !is_finished(&d.row.status));
            let open = source.with_value(|s| s.is_some());
            if let (true, false, Some(id)) = (unfinished, open, id.get()) {
                source.set_value(super::live_events::open(id, live));
            }
        });
        Effect::new(move |_| {
            if live.status.get().is_some_and(|s| is_finished(&s)) || live.ended.get().is_some() {
                source.update_value(|s| {
                    if let Some(s) = s.take() {
                        s.close();
                    }
                });
            }
        });
        on_cleanup(move || {
            source.try_update_value(|s| {
                if let Some(s) = s.take() {
                    s.close();
                }
            });
        });
    }
}

#[component]
fn Detail(detail: ExecutionDetail, live: Live, cancel: ServerAction<CancelExecution>) -> impl IntoView {
    let row = detail.row.clone();
    let id = row.id;
    let stored_status = row.status.clone();
    let status = Signal::derive(move || live.status.get().unwrap_or_else(|| stored_status.clone()));
    let running = Signal::derive(move || !is_finished(&status.get()));
    let stored_lines = detail.log.clone();
    let lines = Signal::derive(move || {
        let mut all = stored_lines.clone();
        let last = all.last().map_or(0, |l| l.seq);
        all.extend(live.lines.get().into_iter().filter(|l| l.seq > last));
        all
    });
    let initial = detail.progress.clone();
    let progress = Signal::derive(move || live.progress.get().or_else(|| initial.clone()));
    let can_cancel = detail.can_cancel;
    let job = row
        .job_name
        .clone()
        .map(|n| format!("{} of {n}", row.kind))
        .unwrap_or_else(|| row.kind.clone());
    view! {
        <h1>{format!("Execution #{id}")} " " <StatusBadge status/></h1>
        <p class="muted">{format!("{job}, {} trigger", row.trigger)}</p>
        <div class="actions">
            {(can_cancel).then(|| view! {
                <Show when=move || running.get()>
                    <button type="button" class="button small danger" id="cancel-execution"
                        disabled=move || cancel.pending().get()
                        on:click=move |_| {
                            if window().confirm_with_message("Cancel this execution?").unwrap_or(false) {
                                cancel.dispatch(CancelExecution { id });
                            }
                        }>
                        "Cancel"
                    </button>
                </Show>
            })}
            {move || cancel.value().get().and_then(|r| r.ok()).map(|m| view! { <span class="muted">{m}</span> })}
        </div>
        <ErrorNote message=action_error(cancel)/>
        {move || live.ended.get().map(|reason| view! { <p class="form-error" role="alert" id="live-ended">{reason}</p> })}
        <Show when=move || running.get()>
            <ProgressBar progress running=Signal::derive(move || status.get() == "running")/>
        </Show>
        {facts(&detail)}
        {destinations(detail.destinations.clone(), &detail.row.kind)}
        {detail.error.clone().map(|e| view! { <p class="form-error execution-error" role="alert">{e}</p> })}
        <h2>"Log"</h2>
        <LogView lines/>
    }
    .into_any()
}

fn facts(d: &ExecutionDetail) -> AnyView {
    let r = &d.row;
    let size = |v: Option<i64>| v.map_or_else(|| "—".to_string(), |b| human_bytes(b.max(0) as u64));
    let time = |v: &Option<String>| v.as_deref().map_or_else(|| "—".to_string(), short_time);
    let duration = match (r.finished_at.is_some(), r.duration_ms) {
        (true, Some(ms)) => human_duration(ms),
        _ => "—".to_string(),
    };
    view! {
        <dl class="facts" id="execution-facts">
            <dt>"Queued"</dt><dd>{short_time(&r.created_at)}</dd>
            <dt>"Started"</dt><dd>{time(&r.started_at)}</dd>
            <dt>"Finished"</dt><dd>{time(&r.finished_at)}</dd>
            <dt>"Duration"</dt><dd>{duration}</dd>
            <dt>"Raw size"</dt><dd id="execution-raw">{size(r.raw_bytes)}</dd>
            <dt>"Stored size"</dt><dd id="execution-stored">{size(r.stored_bytes)}</dd>
            <dt>"SHA-256"</dt><dd class="mono" id="execution-checksum">{d.checksum_sha256.clone().unwrap_or_else(|| "—".into())}</dd>
        </dl>
    }
    .into_any()
}

fn destinations(results: Vec<DestinationResult>, kind: &str) -> AnyView {
    if results.is_empty() {
        return ().into_any();
    }
    // A backup stores into its destinations; a restore or verify reads from one.
    let done = if kind == "backup" { "stored" } else { "read" };
    view! {
        <h2>"Destinations"</h2>
        <table class="table" id="execution-destinations">
            <thead><tr><th>"Database"</th><th>"Destination"</th><th>"Result"</th><th>"Object"</th></tr></thead>
            <tbody>
                {results.into_iter().map(|d| {
                    let result = if d.ok { done.to_string() } else { d.error.clone().unwrap_or_else(|| "failed".into()) };
                    let object = match (d.object.clone(), d.size) {
                        (Some(o), Some(s)) => format!("{o} ({})", human_bytes(s)),
                        (Some(o), None) => o,
                        _ => "—".into(),
                    };
                    let class = if d.ok { "ok" } else { "form-error" };
                    view! { <tr><td>{d.database}</td><td>{d.destination}</td><td class=class>{result}</td><td class="mono">{object}</td></tr> }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
