//! The directory: providers, memberships and categories, and the dashboard's lists of users.
//! The traits, and the statements both databases share.

use crate::{CategoryWithCount, Membership, ProviderSummary, StoreResult, UserFilter};
use async_trait::async_trait;
use domain::{Category, CategoryId, PageNumber, Provider, ProviderId, User, UserId};
use time::OffsetDateTime;

/// Reads of the directory.
#[async_trait]
pub trait Directory {
    /// The providers the user is a member of.
    async fn provider_ids(&self, user_id: UserId) -> StoreResult<Vec<ProviderId>>;
    /// Providers in scope (all, or those the account is a member of), by name: up to `limit`
    /// whose name contains `q` in any case (all when `None`), and how many match in all. Pages
    /// pick providers from this instead of walking the whole directory.
    async fn find_providers(
        &self,
        scope: domain::Scope,
        q: Option<&str>,
        limit: i64,
    ) -> StoreResult<(Vec<ProviderSummary>, i64)>;
    /// The providers with these ids, by name (for the boxes already ticked on a form).
    async fn providers_by_ids(&self, ids: &[ProviderId]) -> StoreResult<Vec<ProviderSummary>>;
    /// A page of users matching the filter, ordered by name, and how many match in all.
    async fn list_users(
        &self,
        filter: &UserFilter,
        page: PageNumber,
    ) -> StoreResult<(Vec<User>, i64)>;
    /// The provider memberships of these users.
    async fn memberships_of(&self, users: &[UserId]) -> StoreResult<Vec<Membership>>;
    /// The accounts with these addresses (those that exist, each once), in one statement: the
    /// audit page names every address on it at once.
    async fn users_by_emails(&self, emails: &[domain::EmailAddress]) -> StoreResult<Vec<User>>;
    /// A page of the providers in scope whose name contains `q` (all when `None`), by name,
    /// and how many there are.
    async fn list_providers(
        &self,
        scope: domain::Scope,
        q: Option<&str>,
        page: PageNumber,
    ) -> StoreResult<(Vec<Provider>, i64)>;
    async fn provider(&self, id: ProviderId) -> StoreResult<Option<Provider>>;
    /// The fallback provider, if one is chosen (a notice names the one it replaces).
    async fn fallback_provider(&self) -> StoreResult<Option<Provider>>;
    async fn is_member(&self, user_id: UserId, provider_id: ProviderId) -> StoreResult<bool>;
    /// A page of the provider's members, by name.
    async fn members(
        &self,
        provider_id: ProviderId,
        page: PageNumber,
    ) -> StoreResult<(Vec<User>, i64)>;
    /// Up to `limit` Users (not administrators, who see every provider) who are not members of
    /// the provider, by name, whose name or email contains `q` (all when `None`), and how many
    /// match in all (for Add Member's picker).
    async fn non_members(
        &self,
        provider_id: ProviderId,
        q: Option<&str>,
        limit: i64,
    ) -> StoreResult<(Vec<User>, i64)>;
    async fn list_categories(&self, page: PageNumber)
    -> StoreResult<(Vec<CategoryWithCount>, i64)>;
    async fn category(&self, id: CategoryId) -> StoreResult<Option<CategoryWithCount>>;
}

/// Changes to the directory, inside a transaction.
#[async_trait]
pub trait DirectoryTx {
    /// Replaces the user's memberships; returns (added, removed).
    async fn set_memberships(
        &mut self,
        user_id: UserId,
        providers: &[ProviderId],
        now: OffsetDateTime,
    ) -> StoreResult<(Vec<ProviderId>, Vec<ProviderId>)>;
    /// `false` when the user already was a member. When the user or the provider is gone, fails
    /// with the foreign key's name (`memberships_user_id_fkey`, `memberships_provider_id_fkey`)
    /// on both databases.
    async fn add_membership(
        &mut self,
        user_id: UserId,
        provider_id: ProviderId,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
    async fn remove_membership(
        &mut self,
        user_id: UserId,
        provider_id: ProviderId,
    ) -> StoreResult<bool>;
    /// How many of these providers exist; those that do cannot be deleted by another
    /// transaction until this one ends (so that memberships can refer to them).
    async fn count_providers(&mut self, ids: &[ProviderId]) -> StoreResult<i64>;
    /// The provider as this transaction sees it, kept from deletion until the transaction ends.
    async fn provider_for_share(&mut self, id: ProviderId) -> StoreResult<Option<Provider>>;

    async fn insert_provider(&mut self, provider: &Provider) -> StoreResult<()>;
    async fn update_provider(&mut self, provider: &Provider) -> StoreResult<()>;
    /// Deletes the provider and returns it as it was when deleted (`None` when it was gone).
    async fn delete_provider(&mut self, id: ProviderId) -> StoreResult<Option<Provider>>;
    /// Makes this provider the only fallback provider, or clears the setting.
    async fn set_fallback(
        &mut self,
        id: Option<ProviderId>,
        now: OffsetDateTime,
    ) -> StoreResult<()>;

    async fn insert_category(&mut self, category: &Category) -> StoreResult<()>;
    async fn update_category(&mut self, category: &Category) -> StoreResult<()>;
    /// Deletes the category and its links to listings; returns how many listings lost it.
    async fn delete_category(&mut self, id: CategoryId) -> StoreResult<Option<i64>>;
}

/// The order of every list of people.
pub(crate) const BY_NAME: &str = " ORDER BY lower(u.last_name), lower(u.first_name), u.email";

/// Categories with the number of listings that use each.
pub(crate) const CATEGORY_COLUMNS: &str = "SELECT c.*, (SELECT count(*) FROM listing_categories lc
    WHERE lc.category_id = c.id) AS listing_count FROM categories c";

mod reads;
mod writes;

pub(crate) use reads::stamp_directory_reads;
pub(crate) use writes::stamp_directory_writes;
