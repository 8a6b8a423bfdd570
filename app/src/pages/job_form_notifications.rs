//! The job form's "Notifications" section: for each channel, off or which runs it hears
//! about. Lists names and adapter labels only (from `job_choices`), so `jobs:write` is
//! enough to pick channels.

use super::job_form_state::Fields;
use crate::api::job_types::{Choice, JobChannel, NotifyFilter};
use leptos::prelude::*;

/// The filter chosen for `channel_id`, `None` when off.
fn chosen(list: &[JobChannel], channel_id: i64) -> Option<NotifyFilter> {
    list.iter().find(|c| c.channel_id == channel_id).map(|c| c.filter)
}

/// Sets (or, with `None`, removes) the channel's subscription, keeping the others' order.
fn choose(list: &mut Vec<JobChannel>, channel_id: i64, filter: Option<NotifyFilter>) {
    match (list.iter_mut().find(|c| c.channel_id == channel_id), filter) {
        (Some(c), Some(filter)) => c.filter = filter,
        (None, Some(filter)) => list.push(JobChannel { channel_id, filter }),
        (_, None) => list.retain(|c| c.channel_id != channel_id),
    }
}

#[component]
pub fn NotificationPicker(f: Fields, channels: Vec<Choice>) -> impl IntoView {
    let body = if channels.is_empty() {
        view! {
            <p class="muted" id="job-no-channels">
                "No notification channels yet — add one on the "
                <a href="/notifications">"Notifications page"</a>
                "."
            </p>
        }
        .into_any()
    } else {
        view! {
            <div class="job-channels">
                {channels.into_iter().map(|c| channel_row(f, c)).collect_view()}
            </div>
        }
        .into_any()
    };
    view! {
        <fieldset id="job-notifications">
            <legend>"Notifications"</legend>
            <p class="muted hint">"Which runs each channel hears about. System-wide channels are chosen in Settings."</p>
            {body}
        </fieldset>
    }
    .into_any()
}

fn channel_row(f: Fields, c: Choice) -> AnyView {
    let id = c.id;
    let select_id = format!("job-channel-{id}");
    let current = move || f.notifications.with(|l| chosen(l, id));
    view! {
        <label for=select_id.clone()>{c.name.clone()} " " <span class="muted">{format!("({})", c.detail)}</span></label>
        <select
            id=select_id
            data-channel=id.to_string()
            on:change=move |ev| {
                let filter = NotifyFilter::parse(&event_target_value(&ev));
                f.notifications.update(|l| choose(l, id, filter));
            }
        >
            <option value="" selected=move || current().is_none()>"Off"</option>
            {NotifyFilter::ALL.into_iter().map(|n| view! {
                <option value=n.as_str() selected=move || current() == Some(n)>{n.label()}</option>
            }).collect_view()}
        </select>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choosing_sets_changes_and_removes_one_channel() {
        let mut list = vec![];
        choose(&mut list, 4, Some(NotifyFilter::Failure));
        choose(&mut list, 2, Some(NotifyFilter::Always));
        choose(&mut list, 4, Some(NotifyFilter::Success));
        assert_eq!(chosen(&list, 4), Some(NotifyFilter::Success));
        assert_eq!(list[0].channel_id, 4, "order kept");
        choose(&mut list, 4, None);
        assert_eq!(chosen(&list, 4), None);
        assert_eq!(list.len(), 1);
        choose(&mut list, 9, None);
        assert_eq!(list.len(), 1);
    }
}
