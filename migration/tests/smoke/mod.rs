//! The test body shared by every backend.

mod crud;
mod tables;

use entity::{group, prelude::*};
use migration::{Migrator, MigratorTrait, SUPERADMIN_GROUP};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

pub async fn run(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("first migrate up");
    tables::assert_all_exist(db).await;
    assert_only_superadmin_seeded(db).await;

    crud::run(db).await;

    Migrator::down(db, None).await.expect("migrate down");
    tables::assert_none_exist(db).await;

    Migrator::up(db, None).await.expect("migrate up after down");
    tables::assert_all_exist(db).await;
    assert_only_superadmin_seeded(db).await;
}

async fn assert_only_superadmin_seeded(db: &DatabaseConnection) {
    let groups = Group::find().all(db).await.expect("list groups");
    assert_eq!(groups.len(), 1, "the seed creates exactly one group");
    let superadmin = Group::find()
        .filter(group::Column::Name.eq(SUPERADMIN_GROUP))
        .one(db)
        .await
        .expect("query the SuperAdmin group")
        .expect("the SuperAdmin group is seeded");
    assert!(superadmin.protected);
    assert_eq!(superadmin.permissions, json!(["*"]));
    assert_eq!(
        superadmin.description.as_deref(),
        Some("Built-in administrators: every permission")
    );
    assert_eq!(User::find().count(db).await.expect("count users"), 0);
}
