//! Pieces the generated parts of the OpenAPI document share.

use crate::permissions::Permission;
use utoipa::IntoParams;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
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
