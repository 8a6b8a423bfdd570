//! Single sign-on: the providers, and a form to add or edit one (with a discovery
//! test). The client secret is write-only: the form says whether one is stored.

use crate::api::auth::whoami;
use crate::api::sso::{
    DeleteSsoProvider, SaveSsoProvider, SsoGroupChoice, SsoProviderRow, list_sso_providers,
    sso_group_choices, test_sso_discovery,
};
use crate::components::error_note::{ErrorNote, action_error};
use crate::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;

/// Which form is open: none, a new provider, or an existing one.
#[derive(Clone, PartialEq)]
enum Editing {
    Closed,
    New,
    Existing(Box<SsoProviderRow>),
}

#[component]
pub fn SsoPage() -> impl IntoView {
    let save = ServerAction::<SaveSsoProvider>::new();
    let delete = ServerAction::<DeleteSsoProvider>::new();
    let me = Resource::new(|| (), |_| whoami());
    let providers = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| list_sso_providers(),
    );
    let groups = Resource::new(|| (), |_| sso_group_choices());
    let editing = RwSignal::new(Editing::Closed);
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(Editing::Closed);
        }
    });
    let can_write = move || {
        me.get()
            .and_then(|r| r.ok())
            .is_some_and(|m| m.can(Permission::SsoWrite))
    };
    view! {
        <Title text="Single sign-on"/>
        <div class="page-head">
            <h1>"Single sign-on"</h1>
            <Transition fallback=|| ()>
                {move || (can_write() && editing.get() == Editing::Closed).then(|| view! {
                    <button type="button" class="button primary" id="new-sso-provider" on:click=move |_| editing.set(Editing::New)>
                        "New provider"
                    </button>
                })}
            </Transition>
        </div>
        <p class="muted page-intro">
            "OpenID Connect providers users can sign in with. Register "
            <code>"<public URL>/auth/oidc/<slug>/callback"</code>
            " as the redirect URI at the provider."
        </p>
        <ErrorNote message=action_error(delete)/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || providers.get().map(|r| match r {
                Ok(rows) if rows.is_empty() => view! { <p class="muted empty-note">"No providers yet."</p> }.into_any(),
                Ok(rows) => view! { <ProvidersTable rows delete editing can_write=can_write()/> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || {
                let groups = groups.get().and_then(|r| r.ok()).unwrap_or_default();
                let superadmin = me.get().and_then(|r| r.ok()).is_some_and(|m| m.superadmin);
                match editing.get() {
                    Editing::Closed => ().into_any(),
                    Editing::New => view! { <ProviderForm existing=None groups save editing superadmin/> }.into_any(),
                    Editing::Existing(row) => view! { <ProviderForm existing=Some(*row) groups save editing superadmin/> }.into_any(),
                }
            }}
        </Transition>
    }
}

#[component]
fn ProvidersTable(
    rows: Vec<SsoProviderRow>,
    delete: ServerAction<DeleteSsoProvider>,
    editing: RwSignal<Editing>,
    can_write: bool,
) -> impl IntoView {
    view! {
        <table class="table sso-table" id="sso-providers">
            <thead>
                <tr>
                    <th>"Slug"</th>
                    <th>"Button"</th>
                    <th>"Issuer"</th>
                    <th>"Domains"</th>
                    <th>"New users"</th>
                    <th>"State"</th>
                    <th></th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| view! { <ProviderRow row delete editing can_write/> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn ProviderRow(
    row: SsoProviderRow,
    delete: ServerAction<DeleteSsoProvider>,
    editing: RwSignal<Editing>,
    can_write: bool,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let id = row.id;
    let slug = row.slug.clone();
    let provisioning = if row.allow_provisioning {
        format!(
            "created in {}",
            row.default_group.clone().unwrap_or_else(|| "(no group)".into())
        )
    } else {
        "refused".to_string()
    };
    let domains = if row.email_domains.is_empty() {
        "any".to_string()
    } else {
        row.email_domains.join(", ")
    };
    let state = if row.enabled { "enabled" } else { "disabled" };
    let for_edit = row.clone();
    let actions = can_write.then(|| {
        let slug = slug.clone();
        view! {
            <button
                type="button"
                class="button small edit-sso-provider"
                on:click=move |_| editing.set(Editing::Existing(Box::new(for_edit.clone())))
            >
                "Edit"
            </button>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" class="button small danger delete-sso-provider" on:click=move |_| confirming.set(true)>
                        "Delete…"
                    </button>
                }
            >
                <span class="revoke-confirm" role="alert">
                    <span>{format!("Delete {}? Its users keep their accounts.", slug)}</span>
                    <button type="button" class="button small danger confirm-delete" on:click=move |_| {
                        confirming.set(false);
                        delete.dispatch(DeleteSsoProvider { id });
                    }>"Delete"</button>
                    <button type="button" class="button small" on:click=move |_| confirming.set(false)>"Cancel"</button>
                </span>
            </Show>
        }
        .into_any()
    });
    view! {
        <tr data-sso=row.slug.clone()>
            <td><code>{row.slug.clone()}</code></td>
            <td>{row.button_label.clone()}</td>
            <td class="sso-issuer">{row.issuer_url.clone()}<br/><span class="muted">{format!("client {}", row.client_id)}</span></td>
            <td>{domains}</td>
            <td>{provisioning}</td>
            <td><span class=format!("badge sso-state sso-{state}")>{state}</span></td>
            <td class="row-actions">{actions}</td>
        </tr>
    }
    .into_any()
}

#[component]
fn ProviderForm(
    existing: Option<SsoProviderRow>,
    groups: Vec<SsoGroupChoice>,
    save: ServerAction<SaveSsoProvider>,
    editing: RwSignal<Editing>,
    /// Only a SuperAdmin may change the trust flags; others see them and send them back.
    superadmin: bool,
) -> impl IntoView {
    let e = existing.clone();
    let issuer = RwSignal::new(e.as_ref().map(|p| p.issuer_url.clone()).unwrap_or_default());
    let test = Action::new(move |url: &String| {
        let url = url.clone();
        async move { test_sso_discovery(url).await }
    });
    let title = match &e {
        Some(p) => format!("Edit provider {}", p.slug),
        None => "New provider".to_string(),
    };
    let text = |f: fn(&SsoProviderRow) -> String| e.as_ref().map(f).unwrap_or_default();
    let id = text(|p| p.id.to_string());
    let slug = text(|p| p.slug.clone());
    let label = text(|p| p.button_label.clone());
    let client_id = text(|p| p.client_id.clone());
    let scopes = e
        .as_ref()
        .map(|p| p.scopes.clone())
        .unwrap_or_else(|| "openid email profile".into());
    let domains = text(|p| p.email_domains.join(", "));
    let secret_stored = e.as_ref().is_some_and(|p| p.secret_stored);
    let provisioning = e.as_ref().is_some_and(|p| p.allow_provisioning);
    let enabled = e.as_ref().is_none_or(|p| p.enabled);
    let group_id = e.as_ref().and_then(|p| p.default_group_id);
    let link_by_email = e.as_ref().is_some_and(|p| p.link_by_email);
    let mfa_by_provider = e.as_ref().is_some_and(|p| p.mfa_by_provider);
    let redirect = e.as_ref().map(|p| p.redirect_uri.clone());
    let test_result = move || {
        test.value().get().map(|r| match r {
            Ok(report) => view! {
                <p class=if report.ok { "test-result ok" } else { "test-result failed" } id="sso-discovery-result" role="status">
                    {report.message}
                </p>
            }
            .into_any(),
            Err(err) => view! { <p class="test-result failed" id="sso-discovery-result" role="alert">{err.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <div class="card form-card sso-form-card">
            <h2>{title}</h2>
            <ActionForm action=save attr:id="sso-provider-form">
                <input type="hidden" name="id" value=id/>
                <label for="sso-slug">"Slug " <span class="muted">"(lowercase letters, digits, dashes; part of the callback URL)"</span></label>
                <input id="sso-slug" type="text" name="slug" required maxlength="40" pattern="[a-z0-9\\-]+" value=slug placeholder="corp"/>
                {redirect.map(|r| view! { <p class="muted">"Redirect URI: " <code id="sso-redirect-uri">{r}</code></p> })}
                <label for="sso-label">"Button label"</label>
                <input id="sso-label" type="text" name="button_label" required maxlength="60" value=label placeholder="Corp SSO"/>
                <label for="sso-issuer">"Issuer URL"</label>
                <div class="inline-field">
                    <input
                        id="sso-issuer"
                        type="url"
                        name="issuer_url"
                        required
                        prop:value=move || issuer.get()
                        on:input=move |ev| issuer.set(event_target_value(&ev))
                        placeholder="https://login.example.com/realms/corp"
                    />
                    <button
                        type="button"
                        class="button"
                        id="sso-test-discovery"
                        disabled=move || test.pending().get()
                        on:click=move |_| { test.dispatch(issuer.get_untracked()); }
                    >
                        {move || if test.pending().get() { "Testing…" } else { "Test discovery" }}
                    </button>
                </div>
                {test_result}
                <label for="sso-client-id">"Client ID"</label>
                <input id="sso-client-id" type="text" name="client_id" required value=client_id/>
                <label for="sso-client-secret">"Client secret"</label>
                <input
                    id="sso-client-secret"
                    type="password"
                    name="client_secret"
                    autocomplete="new-password"
                    required=!secret_stored
                    placeholder=if secret_stored { "stored — leave blank to keep" } else { "" }
                />
                <label for="sso-scopes">"Scopes"</label>
                <input id="sso-scopes" type="text" name="scopes" value=scopes/>
                <label for="sso-domains">"Email domains " <span class="muted">"(comma-separated; empty allows any)"</span></label>
                <input id="sso-domains" type="text" name="email_domains" value=domains placeholder="corp.example"/>
                <label class="check">
                    <input id="sso-provisioning" type="checkbox" name="allow_provisioning" value="on" checked=provisioning/>
                    "Create an account on first sign-in (otherwise only existing users may sign in)"
                </label>
                <label for="sso-group">"Default group for new users"</label>
                <select id="sso-group" name="default_group_id">
                    <option value="" selected=group_id.is_none()>"— none —"</option>
                    {groups.into_iter().map(|g| view! {
                        <option value=g.id.to_string() selected=group_id == Some(g.id)>{g.name}</option>
                    }).collect_view()}
                </select>
                <label class="check">
                    <input id="sso-enabled" type="checkbox" name="enabled" value="on" checked=enabled/>
                    "Enabled (shown on the sign-in page)"
                </label>
                <fieldset class="sso-trust" id="sso-trust">
                    <legend>"Trust " <span class="muted">"(SuperAdmin only)"</span></legend>
                    <TrustFlag
                        id="sso-link-by-email"
                        name="link_by_email"
                        checked=link_by_email
                        editable=superadmin
                        label="Sign in to an existing account whose email this provider has verified \
                               (whoever controls the provider can then sign in as any user with an email it vouches for)"
                    />
                    <TrustFlag
                        id="sso-mfa-by-provider"
                        name="mfa_by_provider"
                        checked=mfa_by_provider
                        editable=superadmin
                        label="The provider enforces MFA: skip Bulwark's second factor when its ID token says \
                               one was used (amr mfa, otp, hwk, swk or sc)"
                    />
                </fieldset>
                <ErrorNote message=action_error(save)/>
                <div class="form-actions">
                    <button type="submit" class="button primary" id="sso-save" disabled=move || save.pending().get()>"Save provider"</button>
                    <button type="button" class="button" id="sso-cancel" on:click=move |_| editing.set(Editing::Closed)>"Cancel"</button>
                </div>
            </ActionForm>
        </div>
    }
    .into_any()
}

/// A trust checkbox; for anyone but a SuperAdmin it is shown disabled and its stored
/// value travels in a hidden field, so saving other fields leaves it as it is.
#[component]
fn TrustFlag(
    id: &'static str,
    name: &'static str,
    checked: bool,
    editable: bool,
    label: &'static str,
) -> impl IntoView {
    view! {
        <label class="check">
            {if editable {
                view! { <input id=id type="checkbox" name=name value="on" checked=checked/> }.into_any()
            } else {
                view! {
                    <input id=id type="checkbox" checked=checked disabled/>
                    <input type="hidden" name=name value=if checked { "on" } else { "" }/>
                }
                .into_any()
            }}
            {label}
        </label>
    }
}
