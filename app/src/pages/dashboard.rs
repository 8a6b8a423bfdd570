use crate::api::dashboard::dashboard_tiles;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let tiles = Resource::new(|| (), |_| dashboard_tiles());
    view! {
        <Title text="Dashboard"/>
        <h1>"Dashboard"</h1>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || tiles.get().map(|r| match r {
                Ok(tiles) => view! {
                    <div class="tiles">
                        {tiles.into_iter().map(|t| view! {
                            <a class="card tile" href=t.href>
                                <span class="tile-count">{t.count}</span>
                                <span class="tile-label">{t.label}</span>
                            </a>
                        }).collect_view()}
                    </div>
                }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Suspense>
        <div class="card notice">
            <p>"Bulwark is installed. Backup jobs, destinations and the rest of the console arrive in the next versions; the pages in the sidebar say what each will do."</p>
        </div>
    }
}
