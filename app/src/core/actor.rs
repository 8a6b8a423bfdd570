//! Who asks for an operation: a signed-in user, an API key, or Bulwark itself.

use crate::api::error::ApiError;
use crate::permissions::Permission;
use crate::server::api_keys::ApiCaller;
use crate::server::auth::AuthUser;
use entity::enums::ExecutionTrigger;

/// The permissions an actor holds, spelled out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holdings {
    pub permissions: Vec<String>,
    pub superadmin: bool,
}

#[derive(Debug, Clone)]
pub enum Actor {
    /// A console user, with the permissions their group holds now.
    User(AuthUser),
    /// A REST caller: the key's scopes within what its owner holds now.
    ApiKey(ApiCaller),
}

impl Actor {
    pub fn can(&self, needed: Permission) -> bool {
        match self {
            Actor::User(user) => user.can(needed),
            Actor::ApiKey(key) => key.can(needed),
        }
    }

    /// The one permission check of a use case.
    pub fn require(&self, needed: Permission) -> Result<(), ApiError> {
        if self.can(needed) {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                permission: needed.as_str().to_string(),
            })
        }
    }

    /// Whether the actor holds every permission (a SuperAdmin, or an all-scopes key of one).
    pub fn superadmin(&self) -> bool {
        match self {
            Actor::User(user) => user.superadmin,
            Actor::ApiKey(key) => key.superadmin(),
        }
    }

    /// What the actor holds now, for the rules "nobody grants more than they hold" (a
    /// key holds its scopes within what its owner holds).
    pub fn holdings(&self) -> Holdings {
        match self {
            Actor::User(user) => Holdings {
                permissions: user.permissions.clone(),
                superadmin: user.superadmin,
            },
            Actor::ApiKey(key) => Holdings {
                permissions: Permission::EVERY
                    .iter()
                    .filter(|p| key.can(**p))
                    .map(|p| p.as_str().to_string())
                    .collect(),
                superadmin: key.superadmin(),
            },
        }
    }

    /// The user behind the request, if it is one.
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Actor::User(user) => Some(user.user_id),
            Actor::ApiKey(_) => None,
        }
    }

    /// How a run this actor starts is recorded.
    pub fn trigger(&self) -> ExecutionTrigger {
        match self {
            Actor::User(_) => ExecutionTrigger::Manual,
            Actor::ApiKey(_) => ExecutionTrigger::Api,
        }
    }

    /// The audit log's label for the actor.
    pub fn label(&self) -> String {
        match self {
            Actor::User(user) => user.email.clone(),
            Actor::ApiKey(key) => format!("api-key:{}", key.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::api_keys::OwnerGrants;

    fn user(perms: &[&str]) -> Actor {
        Actor::User(AuthUser {
            user_id: 7,
            session_id: 1,
            email: "ada@example.com".into(),
            name: "Ada".into(),
            group_name: "Operators".into(),
            superadmin: false,
            permissions: perms.iter().map(|p| p.to_string()).collect(),
        })
    }

    fn key(scopes: &[&str], owner: Option<&[&str]>) -> Actor {
        Actor::ApiKey(ApiCaller {
            key_id: 3,
            name: "ci".into(),
            permissions: scopes.iter().map(|p| p.to_string()).collect(),
            owner: owner.map(|perms| OwnerGrants {
                superadmin: false,
                permissions: perms.iter().map(|p| p.to_string()).collect(),
            }),
        })
    }

    #[test]
    fn each_actor_holds_what_it_holds_now() {
        let run = Permission::JobsExecute;
        let cases = [
            (user(&["jobs:execute"]), true),
            (user(&["jobs:read"]), false),
            (key(&["jobs:execute"], None), true),
            (key(&["jobs:execute"], Some(&["jobs:execute"])), true),
            (key(&["jobs:execute"], Some(&["jobs:read"])), false),
            (key(&["jobs:read"], Some(&["jobs:execute"])), false),
        ];
        for (actor, allowed) in cases {
            assert_eq!(actor.can(run), allowed, "{actor:?}");
            assert_eq!(actor.require(run).is_ok(), allowed, "{actor:?}");
        }
        assert_eq!(
            user(&[]).require(run).unwrap_err(),
            ApiError::Forbidden {
                permission: "jobs:execute".into()
            }
        );
    }

    #[test]
    fn a_key_holds_its_scopes_within_its_owner() {
        let k = key(&["jobs:read", "jobs:write"], Some(&["jobs:read", "users:read"]));
        assert_eq!(
            k.holdings(),
            Holdings {
                permissions: vec!["jobs:read".into()],
                superadmin: false
            }
        );
        assert!(key(&["*"], None).holdings().superadmin);
        assert!(!key(&["*"], Some(&["jobs:read"])).holdings().superadmin);
        assert_eq!(user(&["users:read"]).holdings().permissions, vec!["users:read"]);
    }

    #[test]
    fn labels_and_triggers() {
        assert_eq!(user(&[]).label(), "ada@example.com");
        assert_eq!(key(&[], None).label(), "api-key:ci");
        assert_eq!(user(&[]).trigger(), ExecutionTrigger::Manual);
        assert_eq!(key(&[], None).trigger(), ExecutionTrigger::Api);
        assert_eq!(user(&[]).user_id(), Some(7));
        assert_eq!(key(&[], None).user_id(), None);
    }
}
