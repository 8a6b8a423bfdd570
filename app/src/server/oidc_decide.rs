//! What a successful OIDC callback leads to: sign in, link, provision or refuse.
//! Pure decisions, so every case is tested without a provider.

/// A Bulwark account the callback found, reduced to what the decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub disabled: bool,
}

pub struct Facts<'a> {
    /// The user already linked to this provider subject.
    pub linked: Option<Account>,
    /// The user whose email equals the claimed one.
    pub by_email: Option<Account>,
    /// The email claim, normalized; `None` when the provider sent none.
    pub email: Option<&'a str>,
    pub email_verified: bool,
    /// Allowed email domains; empty allows any.
    pub domains: &'a [String],
    pub allow_provisioning: bool,
    /// A SuperAdmin trusts this provider to vouch for existing accounts' emails.
    pub link_by_email: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The subject is already linked to this user.
    SignIn(i64),
    /// A user with the verified email exists: link the subject to them.
    Link(i64),
    /// Create a user in the provider's default group.
    Provision,
    Refuse(Refusal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NoEmail,
    EmailNotVerified {
        email: String,
    },
    DomainNotAllowed {
        email: String,
        domains: Vec<String>,
    },
    ProvisioningOff {
        email: String,
    },
    Disabled {
        email: String,
    },
    /// An account with this email exists, and the provider may not link to it.
    LinkNotAllowed {
        email: String,
    },
}

pub fn decide(facts: &Facts<'_>) -> Decision {
    let refuse = Decision::Refuse;
    if let Some(email) = facts.email
        && !domain_allowed(email, facts.domains)
    {
        return refuse(Refusal::DomainNotAllowed {
            email: email.to_string(),
            domains: facts.domains.to_vec(),
        });
    }
    // An existing link trusts the subject, not the email; the domain rule still applies.
    if let Some(linked) = facts.linked {
        return match (linked.disabled, facts.email) {
            (true, email) => refuse(Refusal::Disabled {
                email: email.unwrap_or("this account").to_string(),
            }),
            (false, None) if !facts.domains.is_empty() => refuse(Refusal::NoEmail),
            (false, _) => Decision::SignIn(linked.id),
        };
    }
    let Some(email) = facts.email else {
        return refuse(Refusal::NoEmail);
    };
    if !facts.email_verified {
        return refuse(Refusal::EmailNotVerified {
            email: email.to_string(),
        });
    }
    match facts.by_email {
        Some(user) if user.disabled => refuse(Refusal::Disabled {
            email: email.to_string(),
        }),
        Some(user) if facts.link_by_email => Decision::Link(user.id),
        Some(_) => refuse(Refusal::LinkNotAllowed {
            email: email.to_string(),
        }),
        None if facts.allow_provisioning => Decision::Provision,
        None => refuse(Refusal::ProvisioningOff {
            email: email.to_string(),
        }),
    }
}

/// Methods in an ID token's `amr` (RFC 8176) that show a second factor was used.
const MFA_METHODS: &[&str] = &["mfa", "otp", "hwk", "swk", "sc"];

/// Whether an SSO sign-in must still pass the account's own second factor: always when
/// the account has one, unless a SuperAdmin marked the provider as enforcing MFA and
/// this ID token says it did.
pub fn second_factor_owed(account_has_factor: bool, mfa_by_provider: bool, amr: &[String]) -> bool {
    account_has_factor && !(mfa_by_provider && amr.iter().any(|m| MFA_METHODS.contains(&m.as_str())))
}

/// The email's domain equals one of `domains` (case-insensitive, whole domain only:
/// `corp.example` does not admit `evil-corp.example` or `corp.example.evil`).
pub fn domain_allowed(email: &str, domains: &[String]) -> bool {
    if domains.is_empty() {
        return true;
    }
    let Some((_, domain)) = email.rsplit_once('@') else {
        return false;
    };
    domains
        .iter()
        .any(|d| d.trim().trim_start_matches('@').eq_ignore_ascii_case(domain))
}

/// Parses the console's comma-separated list into lowercase domains.
pub fn parse_domains(raw: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for part in raw
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let d = part.trim_start_matches('@').to_ascii_lowercase();
        let valid = d.contains('.')
            && !d.starts_with('.')
            && !d.ends_with('.')
            && d.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if !valid {
            return Err(format!("{part:?} is not an email domain like corp.example."));
        }
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: Account = Account {
        id: 7,
        disabled: false,
    };
    const GONE: Account = Account {
        id: 8,
        disabled: true,
    };

    /// linked, by_email, email, email_verified, domains, allow_provisioning, link_by_email, expected
    type Case<'a> = (
        Option<Account>,
        Option<Account>,
        Option<&'a str>,
        bool,
        &'a Vec<String>,
        bool,
        bool,
        Decision,
    );

    fn domains(list: &[&str]) -> Vec<String> {
        list.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn decision_table() {
        let none: Vec<String> = vec![];
        let corp = domains(&["corp.example"]);
        #[rustfmt::skip]
        let cases: Vec<Case<'_>> = vec![
            // linked subject signs in, whatever the email says
            (Some(ALICE), None, Some("a@x.test"), false, &none, false, true, Decision::SignIn(7)),
            (Some(ALICE), None, None, false, &none, false, true, Decision::SignIn(7)),
            (Some(ALICE), None, Some("a@corp.example"), true, &corp, false, true, Decision::SignIn(7)),
            (Some(ALICE), None, Some("a@x.test"), true, &corp, false, true,
                Decision::Refuse(Refusal::DomainNotAllowed { email: "a@x.test".into(), domains: corp.clone() })),
            (Some(ALICE), None, None, true, &corp, false, true, Decision::Refuse(Refusal::NoEmail)),
            (Some(GONE), None, Some("a@x.test"), true, &none, true, true,
                Decision::Refuse(Refusal::Disabled { email: "a@x.test".into() })),
            // no link: a verified email links to the existing user
            (None, Some(ALICE), Some("a@x.test"), true, &none, false, true, Decision::Link(7)),
            (None, Some(ALICE), Some("a@corp.example"), true, &corp, false, true, Decision::Link(7)),
            (None, Some(ALICE), Some("a@x.test"), false, &none, true, true,
                Decision::Refuse(Refusal::EmailNotVerified { email: "a@x.test".into() })),
            (None, Some(GONE), Some("a@x.test"), true, &none, true, true,
                Decision::Refuse(Refusal::Disabled { email: "a@x.test".into() })),
            // linking by email needs the provider's flag
            (None, Some(ALICE), Some("a@x.test"), true, &none, true, false,
                Decision::Refuse(Refusal::LinkNotAllowed { email: "a@x.test".into() })),
            (Some(ALICE), None, Some("a@x.test"), true, &none, false, false, Decision::SignIn(7)),
            (None, None, Some("n@x.test"), true, &none, true, false, Decision::Provision),
            // nobody: provision only when allowed
            (None, None, Some("n@x.test"), true, &none, true, true, Decision::Provision),
            (None, None, Some("n@x.test"), true, &none, false, true,
                Decision::Refuse(Refusal::ProvisioningOff { email: "n@x.test".into() })),
            (None, None, Some("n@x.test"), false, &none, true, true,
                Decision::Refuse(Refusal::EmailNotVerified { email: "n@x.test".into() })),
            (None, None, None, true, &none, true, true, Decision::Refuse(Refusal::NoEmail)),
            (None, None, Some("n@evil-corp.example"), true, &corp, true, true,
                Decision::Refuse(Refusal::DomainNotAllowed { email: "n@evil-corp.example".into(), domains: corp.clone() })),
        ];
        for (
            i,
            (linked, by_email, email, email_verified, domains, allow_provisioning, link_by_email, expected),
        ) in cases.into_iter().enumerate()
        {
            let facts = Facts {
                linked,
                by_email,
                email,
                email_verified,
                domains,
                allow_provisioning,
                link_by_email,
            };
            assert_eq!(decide(&facts), expected, "case {i}");
        }
    }

    #[test]
    fn provider_mfa_stands_in_only_when_trusted_and_asserted() {
        let amr = |m: &[&str]| m.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        #[rustfmt::skip]
        let cases = [
            // has factor, provider trusted, amr, owed
            (false, false, amr(&[]), false),
            (false, true, amr(&["pwd"]), false),
            (true, false, amr(&[]), true),
            (true, false, amr(&["pwd", "mfa"]), true),
            (true, true, amr(&[]), true),
            (true, true, amr(&["pwd"]), true),
            (true, true, amr(&["pwd", "mfa"]), false),
            (true, true, amr(&["hwk"]), false),
            (true, true, amr(&["otp", "pwd"]), false),
        ];
        for (i, (has, trusted, amr, owed)) in cases.into_iter().enumerate() {
            assert_eq!(second_factor_owed(has, trusted, &amr), owed, "case {i}");
        }
    }

    #[test]
    fn domains_match_exactly_and_ignore_case() {
        let corp = domains(&["corp.example", "Other.Example"]);
        assert!(domain_allowed("a@corp.example", &corp));
        assert!(domain_allowed("a@CORP.example", &corp));
        assert!(domain_allowed("a@other.example", &corp));
        assert!(!domain_allowed("a@evil-corp.example", &corp));
        assert!(!domain_allowed("a@sub.corp.example", &corp));
        assert!(!domain_allowed("a@corp.example.evil", &corp));
        assert!(!domain_allowed("corp.example", &corp));
        assert!(!domain_allowed("a@corp.example@evil.test", &corp));
        assert!(domain_allowed("anything", &[]));
    }

    #[test]
    fn domain_lists_are_parsed_and_checked() {
        assert_eq!(parse_domains("").unwrap(), Vec::<String>::new());
        assert_eq!(
            parse_domains(" Corp.Example, @other.example,corp.example ").unwrap(),
            domains(&["corp.example", "other.example"])
        );
        assert!(parse_domains("corp").is_err());
        assert!(parse_domains("a@b.example").is_err());
        assert!(parse_domains("*.example").is_err());
    }
}
