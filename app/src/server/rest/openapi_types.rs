//! Pieces the generated parts of the OpenAPI document share.

use crate::permissions::Permission;
use utoipa::IntoParams;
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};

/// The `{id}` of a route.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct Id {
    /// The resource's id.
    id: i64,
}

/// A list of permission names (`jobs:read`, …), each known.
pub fn permission_names() -> impl Into<RefOr<Schema>> {
    let names: Vec<&str> = Permission::EVERY.iter().map(|p| p.as_str()).collect();
    ArrayBuilder::new().items(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(names)),
    )
}

/// The audit list's `outcome` filter.
pub fn outcome() -> impl Into<RefOr<Schema>> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["success", "failure", "any"]))
}

/// A day filter: `YYYY-MM-DD`, or empty for none (as the console's form sends it).
pub fn day() -> impl Into<RefOr<Schema>> {
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
        )
        .item(ObjectBuilder::new().schema_type(Type::String).max_length(Some(0)))
}
