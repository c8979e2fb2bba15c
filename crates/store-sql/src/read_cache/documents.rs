//! `Documents`: one kind of decoded document kept by key, with the generation that keeps a read
//! which raced a write from being kept (see the parent module).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};

use cognate_domain::StoreError;

/// Entries kept per kind; the map is emptied when full (they are cheap to read again).
const CAPACITY: usize = 10_000;

pub struct Documents<T> {
    inner: Mutex<Inner<T>>,
}

struct Inner<T> {
    generation: u64,
    entries: HashMap<String, Arc<T>>,
    /// Documents found by one key and forgotten by another (`Documents::grouped`).
    groups: Option<Groups<T>>,
}

/// Each group's keys, so that forgetting a group (a user's refresh tokens, kept by hash) reads
/// its own entries instead of every entry: that ran on every write of a user on SQLite, and on
/// each user-change notification on Postgres (three per sign-in), over up to `CAPACITY` tokens.
struct Groups<T> {
    group_of: fn(&T) -> String,
    keys: HashMap<String, HashSet<String>>,
}

impl<T> Default for Documents<T> {
    fn default() -> Self {
        Self::with_groups(None)
    }
}

impl<T> Inner<T> {
    /// Keeps `value` under `key` (emptying the map first when full).
    fn insert(&mut self, key: String, value: Arc<T>) {
        if self.groups.is_some() {
            // Out of the group of the document it replaces, which may be another.
            self.remove(&key);
        }
        if self.entries.len() >= CAPACITY {
            self.clear();
        }
        if let Some(groups) = &mut self.groups {
            let group = (groups.group_of)(&value);
            groups.keys.entry(group).or_default().insert(key.clone());
        }
        self.entries.insert(key, value);
    }

    fn remove(&mut self, key: &str) {
        let Some(value) = self.entries.remove(key) else {
            return;
        };
        if let Some(groups) = &mut self.groups {
            let group = (groups.group_of)(&value);
            if let Some(keys) = groups.keys.get_mut(&group) {
                keys.remove(key);
                if keys.is_empty() {
                    groups.keys.remove(&group);
                }
            }
        }
    }

    fn retain(&mut self, mut keep: impl FnMut(&String, &Arc<T>) -> bool) {
        self.entries.retain(|key, value| keep(key, value));
        if let Some(groups) = &mut self.groups {
            let entries = &self.entries;
            groups.keys.retain(|_, keys| {
                keys.retain(|key| entries.contains_key(key));
                !keys.is_empty()
            });
        }
    }

    fn remove_group(&mut self, group: &str) {
        let keys = match &mut self.groups {
            Some(groups) => groups.keys.remove(group).unwrap_or_default(),
            // A map that keeps no groups cannot tell a group's documents: forget them all
            // rather than none, so nothing stale survives.
            None => return self.clear(),
        };
        for key in keys {
            self.entries.remove(&key);
        }
    }

    fn clear(&mut self) {
        self.entries.clear();
        if let Some(groups) = &mut self.groups {
            groups.keys.clear();
        }
    }
}

/// What a lookup found: the document, or the generation a database read must be stored under.
pub enum Lookup<T> {
    Hit(Arc<T>),
    Miss(Option<u64>),
}

impl<T> Documents<T> {
    /// Documents that can also be forgotten by group (`invalidate_group`), `group_of` naming
    /// each one's.
    pub fn grouped(group_of: fn(&T) -> String) -> Self {
        Self::with_groups(Some(Groups {
            group_of,
            keys: HashMap::new(),
        }))
    }

    fn with_groups(groups: Option<Groups<T>>) -> Self {
        Self {
            inner: Mutex::new(Inner {
                generation: 0,
                entries: HashMap::new(),
                groups,
            }),
        }
    }

    pub fn get(&self, key: &str) -> Lookup<T> {
        match self.inner.lock() {
            Ok(inner) => match inner.entries.get(key) {
                Some(hit) => Lookup::Hit(hit.clone()),
                None => Lookup::Miss(Some(inner.generation)),
            },
            // A poisoned lock: read the database, keep nothing.
            Err(_) => Lookup::Miss(None),
        }
    }

    /// Keeps `value`, read from the database after `get` returned `generation`, unless a
    /// write has invalidated anything since.
    pub fn put(&self, key: &str, value: Arc<T>, generation: Option<u64>) {
        self.put_many([(key.to_owned(), value)], generation);
    }

    /// Calls `each` with every key of `keys` and the document kept under it, if any (its cache
    /// key written by `cache_key` into a buffer), under one lock; returns the generation a
    /// database read of the others must be kept under.
    pub fn with_each<'k>(
        &self,
        keys: impl Iterator<Item = &'k str>,
        cache_key: impl Fn(&str, &mut String),
        mut each: impl FnMut(&'k str, Option<&Arc<T>>),
    ) -> Option<u64> {
        let inner = self.inner.lock().ok();
        let mut buffer = String::new();
        for key in keys {
            cache_key(key, &mut buffer);
            each(
                key,
                inner.as_ref().and_then(|inner| inner.entries.get(&buffer)),
            );
        }
        inner.map(|inner| inner.generation)
    }

    /// `put` of each entry, under one lock.
    pub fn put_many(
        &self,
        entries: impl IntoIterator<Item = (String, Arc<T>)>,
        generation: Option<u64>,
    ) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if generation != Some(inner.generation) {
            return;
        }
        for (key, value) in entries {
            inner.insert(key, value);
        }
    }

    /// The generation now (`None` once poisoned): taken before a write whose result is then
    /// given to `replace`.
    pub fn generation(&self) -> Option<u64> {
        self.inner.lock().ok().map(|inner| inner.generation)
    }

    /// After a write of `key` that began at `generation`: keeps `value`, what the write
    /// stored, if nothing was invalidated since; else forgets `key`. Moves the generation
    /// either way, as any write's invalidation does.
    pub fn replace(&self, key: &str, value: Arc<T>, generation: Option<u64>) {
        self.forget(|inner_generation, inner| {
            inner.remove(key);
            if generation == Some(inner_generation) {
                inner.insert(key.to_owned(), value);
            }
        });
    }

    /// The document under `key`: kept, or read by `read` and kept (a read that finds nothing
    /// keeps nothing). Without `docs` (a backend that keeps nothing), just `read`.
    pub async fn read_through<F, Fut>(
        docs: Option<&Self>,
        key: &str,
        read: F,
    ) -> Result<Option<T>, StoreError>
    where
        T: Clone,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<T>, StoreError>>,
    {
        let generation = match docs.map(|docs| docs.get(key)) {
            Some(Lookup::Hit(kept)) => return Ok(Some(T::clone(&kept))),
            Some(Lookup::Miss(generation)) => generation,
            None => None,
        };
        let found = read().await?;
        if let (Some(docs), Some(value)) = (docs, &found) {
            docs.put(key, Arc::new(value.clone()), generation);
        }
        Ok(found)
    }

    /// Forgets `key`, after a statement that may have changed it has run.
    pub fn invalidate(&self, key: &str) {
        self.forget(|_, inner| inner.remove(key));
    }

    /// Forgets every key starting with `prefix` (a pool's users).
    pub fn invalidate_prefix(&self, prefix: &str) {
        self.forget(|_, inner| inner.retain(|key, _| !key.starts_with(prefix)));
    }

    /// Forgets every document `stale` picks (a client's refresh tokens, kept by hash). Reads
    /// every entry: for rare writes.
    pub fn invalidate_where(&self, stale: impl Fn(&T) -> bool) {
        self.forget(|_, inner| inner.retain(|_, value| !stale(value)));
    }

    /// Forgets the documents of `group` (see `grouped`; a user's refresh tokens).
    pub fn invalidate_group(&self, group: &str) {
        self.forget(|_, inner| inner.remove_group(group));
    }

    /// Forgets everything (a pool's deletion cascades to its clients).
    pub fn clear(&self) {
        self.forget(|_, inner| inner.clear());
    }

    /// Moves the generation and applies `change`, which is given the generation as it was.
    fn forget(&self, change: impl FnOnce(u64, &mut Inner<T>)) {
        match self.inner.lock() {
            Ok(mut inner) => {
                let before = inner.generation;
                inner.generation = before.wrapping_add(1);
                change(before, &mut inner);
            }
            // Never used again once poisoned (`get` misses, `put` keeps nothing); clear it
            // all the same so no stale entry can outlive the poisoning.
            Err(poisoned) => {
                let mut inner = poisoned.into_inner();
                inner.generation = inner.generation.wrapping_add(1);
                inner.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_raced_a_write_is_not_kept() {
        let docs = Documents::<String>::default();
        let Lookup::Miss(generation) = docs.get("a") else {
            panic!("empty cache hit");
        };
        docs.invalidate("a");
        docs.put("a", Arc::new("old".into()), generation);
        assert!(matches!(docs.get("a"), Lookup::Miss(_)));
    }

    #[test]
    fn a_write_keeps_what_it_stored_unless_another_invalidated_meanwhile() {
        let docs = Documents::<String>::default();
        let before = docs.generation();
        docs.replace("a", Arc::new("v2".into()), before);
        assert!(matches!(docs.get("a"), Lookup::Hit(v) if *v == "v2"));

        // Another write (of any key) between this one's start and end: nothing is kept.
        let before = docs.generation();
        docs.invalidate("b");
        docs.replace("a", Arc::new("v3".into()), before);
        assert!(matches!(docs.get("a"), Lookup::Miss(_)));

        // A read that began before a write keeps nothing.
        let Lookup::Miss(read_at) = docs.get("a") else {
            panic!("forgotten entry hit");
        };
        docs.replace("a", Arc::new("v4".into()), docs.generation());
        docs.put("a", Arc::new("v3".into()), read_at);
        assert!(matches!(docs.get("a"), Lookup::Hit(v) if *v == "v4"));
    }

    /// Documents grouped by their first part, as refresh tokens are by user.
    fn grouped() -> Documents<(String, String)> {
        Documents::grouped(|(group, _)| group.clone())
    }

    fn keep(docs: &Documents<(String, String)>, key: &str, group: &str) {
        let generation = docs.generation();
        docs.put(key, Arc::new((group.into(), key.into())), generation);
    }

    fn kept(docs: &Documents<(String, String)>, key: &str) -> bool {
        matches!(docs.get(key), Lookup::Hit(_))
    }

    #[test]
    fn forgetting_a_group_forgets_its_documents_only() {
        let docs = grouped();
        keep(&docs, "t1", "alice");
        keep(&docs, "t2", "alice");
        keep(&docs, "t3", "bob");
        let read_before = docs.generation();
        docs.invalidate_group("alice");
        assert!(!kept(&docs, "t1") && !kept(&docs, "t2"));
        assert!(kept(&docs, "t3"));
        // A read that began before the group was forgotten keeps nothing.
        docs.put("t1", Arc::new(("alice".into(), "t1".into())), read_before);
        assert!(!kept(&docs, "t1"));
        // An unknown group moves the generation all the same.
        let before = docs.generation();
        docs.invalidate_group("carol");
        assert_ne!(docs.generation(), before);
    }

    /// The group index as sorted (group, keys) pairs, after checking that it names every kept
    /// document exactly once, under the document's own group, and nothing else.
    fn index(docs: &Documents<(String, String)>) -> Vec<(String, Vec<String>)> {
        let Ok(inner) = docs.inner.lock() else {
            panic!("poisoned");
        };
        let Some(groups) = &inner.groups else {
            panic!("not grouped");
        };
        let mut index: Vec<(String, Vec<String>)> = groups
            .keys
            .iter()
            .map(|(group, keys)| {
                let mut keys: Vec<String> = keys.iter().cloned().collect();
                keys.sort();
                (group.clone(), keys)
            })
            .collect();
        index.sort();
        let mut indexed: Vec<(&str, &str)> = index
            .iter()
            .flat_map(|(group, keys)| keys.iter().map(move |key| (group.as_str(), key.as_str())))
            .collect();
        indexed.sort();
        let mut kept: Vec<(&str, &str)> = inner
            .entries
            .iter()
            .map(|(key, value)| (value.0.as_str(), key.as_str()))
            .collect();
        kept.sort();
        assert_eq!(indexed, kept, "the index is out of step with the entries");
        index
    }

    fn group(name: &str, keys: &[&str]) -> (String, Vec<String>) {
        (
            name.into(),
            keys.iter().map(|key| key.to_string()).collect(),
        )
    }

    #[test]
    fn a_group_follows_its_documents_through_every_change() {
        let docs = grouped();
        // Re-kept under another group, forgotten first or replaced: the old group no longer
        // names it.
        for forgotten_first in [true, false] {
            keep(&docs, "t1", "alice");
            if forgotten_first {
                docs.invalidate("t1");
            }
            keep(&docs, "t1", "bob");
            assert_eq!(index(&docs), [group("bob", &["t1"])]);
            docs.invalidate_group("alice");
            assert!(kept(&docs, "t1"));
            docs.invalidate_group("bob");
            assert!(!kept(&docs, "t1"));
            assert_eq!(index(&docs), []);
        }

        // A write's own result, kept by `replace`.
        docs.replace(
            "t2",
            Arc::new(("carol".into(), "t2".into())),
            docs.generation(),
        );
        assert_eq!(index(&docs), [group("carol", &["t2"])]);

        // Picked out, by prefix, or all at once: the index keeps naming exactly what is kept.
        keep(&docs, "a1", "alice");
        keep(&docs, "a2", "alice");
        keep(&docs, "b1", "bob");
        docs.invalidate_where(|(_, key)| key == "a1");
        assert_eq!(
            index(&docs),
            [
                group("alice", &["a2"]),
                group("bob", &["b1"]),
                group("carol", &["t2"])
            ]
        );
        keep(&docs, "a1", "bob");
        docs.invalidate_group("bob");
        assert!(!kept(&docs, "a1") && !kept(&docs, "b1"));
        docs.invalidate_prefix("t");
        assert_eq!(index(&docs), [group("alice", &["a2"])]);
        docs.invalidate_group("alice");
        assert!(!kept(&docs, "a2"));
        keep(&docs, "c1", "carol");
        docs.clear();
        assert_eq!(index(&docs), []);
    }

    #[test]
    fn a_full_grouped_map_empties_with_its_groups() {
        let docs = grouped();
        for n in 0..CAPACITY {
            keep(&docs, &format!("t{n}"), "alice");
        }
        // The next document empties the map (and the group's list) before it is kept.
        keep(&docs, "new", "bob");
        assert!(!kept(&docs, "t0"));
        assert_eq!(index(&docs), [group("bob", &["new"])]);
    }

    #[test]
    fn a_group_forget_on_an_ungrouped_map_forgets_everything() {
        let docs = Documents::<String>::default();
        docs.put("a", Arc::new("v".into()), docs.generation());
        docs.invalidate_group("anyone");
        assert!(matches!(docs.get("a"), Lookup::Miss(_)));
    }

    #[test]
    fn reads_are_kept_until_invalidated() {
        let docs = Documents::<String>::default();
        let Lookup::Miss(generation) = docs.get("a") else {
            panic!("empty cache hit");
        };
        docs.put("a", Arc::new("v1".into()), generation);
        assert!(matches!(docs.get("a"), Lookup::Hit(v) if *v == "v1"));
        docs.invalidate("a");
        assert!(matches!(docs.get("a"), Lookup::Miss(_)));
        let Lookup::Miss(generation) = docs.get("b") else {
            panic!("empty cache hit");
        };
        docs.put("b", Arc::new("v".into()), generation);
        docs.clear();
        assert!(matches!(docs.get("b"), Lookup::Miss(_)));
    }
}
