//! Codec types that bind and decode ids and times alike on both databases, so that one statement
//! and one `#[derive(FromRow)]` row serve SQLite and PostgreSQL.
//!
//! SQLite keeps an id as TEXT and a time as INTEGER microseconds since the epoch; PostgreSQL keeps
//! them as `uuid` and `timestamptz` (native types, see docs/decisions.md).

use domain::{CategoryId, KioskSessionId, ListingId, ProviderId, SlotId, StationId, UserId};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgHasArrayType, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Postgres, Sqlite, Type};
use time::OffsetDateTime;
use uuid::Uuid;

/// A typed id that is a UUID underneath.
pub(crate) trait Key: Copy {
    fn to_uuid(self) -> Uuid;
    fn from_uuid(uuid: Uuid) -> Self;
}

macro_rules! key {
    ($($id:ident),+) => {$(
        impl Key for $id {
            fn to_uuid(self) -> Uuid {
                self.0
            }
            fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }
    )+};
}

key!(
    UserId,
    ProviderId,
    CategoryId,
    ListingId,
    SlotId,
    StationId,
    KioskSessionId
);

impl Key for Uuid {
    fn to_uuid(self) -> Uuid {
        self
    }
    fn from_uuid(uuid: Uuid) -> Self {
        uuid
    }
}

/// An id as either database stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Id<T>(pub T);

/// An instant as either database stores it (microsecond precision on both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Time(pub OffsetDateTime);

/// Binds every id of a list, for `= ANY($1)` on PostgreSQL and `IN (…)` on SQLite.
pub(crate) fn ids<T: Key>(ids: &[T]) -> Vec<Id<T>> {
    ids.iter().copied().map(Id).collect()
}

/// Binds an optional time.
pub(crate) fn time(t: Option<OffsetDateTime>) -> Option<Time> {
    t.map(Time)
}

/// Binds an optional id.
pub(crate) fn id<T: Key>(id: Option<T>) -> Option<Id<T>> {
    id.map(Id)
}

fn micros(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1000) as i64
}

impl<T: Key> Type<Sqlite> for Id<T> {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q, T: Key> Encode<'q, Sqlite> for Id<T> {
    fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        <String as Encode<Sqlite>>::encode(self.0.to_uuid().to_string(), buf)
    }
}

impl<'r, T: Key> Decode<'r, Sqlite> for Id<T> {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(Id(T::from_uuid(Uuid::parse_str(text)?)))
    }
}

impl<T: Key> Type<Postgres> for Id<T> {
    fn type_info() -> PgTypeInfo {
        <Uuid as Type<Postgres>>::type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        <Uuid as Type<Postgres>>::compatible(ty)
    }
}

impl<T: Key> PgHasArrayType for Id<T> {
    fn array_type_info() -> PgTypeInfo {
        <Uuid as PgHasArrayType>::array_type_info()
    }
}

impl<T: Key> Encode<'_, Postgres> for Id<T> {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <Uuid as Encode<Postgres>>::encode_by_ref(&self.0.to_uuid(), buf)
    }
}

impl<'r, T: Key> Decode<'r, Postgres> for Id<T> {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Id(T::from_uuid(<Uuid as Decode<Postgres>>::decode(value)?)))
    }
}

impl Type<Sqlite> for Time {
    fn type_info() -> SqliteTypeInfo {
        <i64 as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <i64 as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for Time {
    fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<Sqlite>>::encode(micros(self.0), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Time {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let us = <i64 as Decode<Sqlite>>::decode(value)?;
        Ok(Time(OffsetDateTime::from_unix_timestamp_nanos(
            i128::from(us) * 1000,
        )?))
    }
}

impl Type<Postgres> for Time {
    fn type_info() -> PgTypeInfo {
        <OffsetDateTime as Type<Postgres>>::type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        <OffsetDateTime as Type<Postgres>>::compatible(ty)
    }
}

impl PgHasArrayType for Time {
    fn array_type_info() -> PgTypeInfo {
        <OffsetDateTime as PgHasArrayType>::array_type_info()
    }
}

impl Encode<'_, Postgres> for Time {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <OffsetDateTime as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Time {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Time(<OffsetDateTime as Decode<Postgres>>::decode(value)?))
    }
}
