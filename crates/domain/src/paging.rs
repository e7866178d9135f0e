//! Lists come in pages of 50 (SPEC §12).

/// Items per page of every list.
pub const PAGE_SIZE: i64 = 50;

/// A 1-based page number; anything below 1 means the first page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber(i64);

impl PageNumber {
    pub fn new(page: Option<i64>) -> Self {
        Self(page.unwrap_or(1).clamp(1, i64::MAX / PAGE_SIZE))
    }

    pub fn get(self) -> i64 {
        self.0
    }

    pub fn offset(self) -> i64 {
        (self.0 - 1) * PAGE_SIZE
    }
}
