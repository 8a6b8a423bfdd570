//! What a schedule expression may say and what happens across daylight saving changes,
//! beside the job form's schedule field. The rules are those of `engine::schedule`.

use leptos::prelude::*;

#[component]
pub fn CronHelp() -> impl IntoView {
    view! {
        <details class="cron-help" id="cron-help">
            <summary>"How schedules are read"</summary>
            <ul>
                <li>"Six fields, seconds first: " <code>"second minute hour day-of-month month day-of-week"</code>
                    ". Five fields mean second 0; an optional seventh is the year."</li>
                <li>"Lists " <code>"1,15"</code> ", ranges " <code>"MON-FRI"</code> ", steps " <code>"*/15"</code>
                    " and " <code>"0-30/10"</code> " (" <code>"5/20"</code> " means " <code>"5-59/20"</code>
                    "), names " <code>"JAN"</code> "–" <code>"DEC"</code> " and " <code>"SUN"</code> "–" <code>"SAT"</code>
                    " (0 and 7 are Sunday), " <code>"L"</code> " (last day, or " <code>"5L"</code> " the last Friday), "
                    <code>"5#2"</code> " (the second Friday), " <code>"15W"</code> " (the weekday nearest the 15th) and "
                    <code>"@hourly"</code> ", " <code>"@daily"</code> ", " <code>"@weekly"</code> ", " <code>"@monthly"</code>
                    ", " <code>"@yearly"</code> "."</li>
                <li>"When both day of month and day of week are set, a day matching either runs (as in Vixie cron); write "
                    <code>"+"</code> " before the day of week to require both."</li>
                <li>"Daylight saving: a job at one fixed time of day runs once. If that time is skipped when clocks go forward, it runs "
                    "at the end of the gap (02:30 runs at 03:00); if it happens twice when clocks go back, it runs the first time only. "
                    "A job with " <code>"*"</code> ", a step, a list or a range in its second, minute or hour keeps its rhythm: "
                    "the skipped times do not run and the repeated ones run twice."</li>
            </ul>
        </details>
    }
}
