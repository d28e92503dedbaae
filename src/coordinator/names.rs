//! Task name → task position, the lookup every update makes once per task.
//!
//! Names are copied once into one contiguous arena and the hash table holds
//! each name's span, so a lookup reads the table and the arena and nothing
//! else: with 1,000 tasks, both stay in L1 cache, unlike one heap string per task.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

use crate::error::{clip, Error};
use crate::limits::{MAX_NAME_BYTES, MAX_TASKS};

#[derive(Clone, Copy)]
struct Slot {
    start: u32,
    len: u32,
    task: u32,
}

#[derive(Default)]
pub(crate) struct NameIndex {
    arena: Vec<u8>,
    table: HashTable<Slot>,
}

fn hash(name: &str) -> u64 {
    hash_bytes(name.as_bytes())
}

fn hash_bytes(name: &[u8]) -> u64 {
    FixedState::with_seed(0x7a5c_1f3e).hash_one(name)
}

impl NameIndex {
    /// Indexes `names` by position. Fails on an empty, over-long or repeated
    /// name, or more than [`MAX_TASKS`] of them, before allocating anything.
    pub(crate) fn build<'a>(
        names: impl ExactSizeIterator<Item = &'a str> + Clone,
    ) -> Result<Self, Error> {
        if names.len() > MAX_TASKS {
            return Err(Error::out_of_range(
                "tasks",
                format!(
                    "a task group has at most {MAX_TASKS} tasks (limits::MAX_TASKS); this one has {}",
                    names.len()
                ),
            ));
        }
        if let Some((task, name)) = names
            .clone()
            .enumerate()
            .find(|(_, name)| name.len() > MAX_NAME_BYTES)
        {
            return Err(Error::out_of_range(
                "task name",
                format!(
                    "task #{task}'s name `{}` is {} bytes long; a task name has at most {MAX_NAME_BYTES} bytes (limits::MAX_NAME_BYTES)",
                    clip(name),
                    name.len()
                ),
            ));
        }
        let mut index = NameIndex {
            arena: Vec::with_capacity(names.clone().map(str::len).sum()),
            table: HashTable::with_capacity(names.len()),
        };
        for (task, name) in names.enumerate() {
            if name.is_empty() {
                return Err(Error::EmptyTaskName { index: task });
            }
            let h = hash(name);
            if index.get_hashed(h, name).is_some() {
                return Err(Error::DuplicateTaskName {
                    name: name.to_owned(),
                });
            }
            let (Ok(start), Ok(len), Ok(task)) = (
                u32::try_from(index.arena.len()),
                u32::try_from(name.len()),
                u32::try_from(task),
            ) else {
                return Err(Error::out_of_range("task names", "task names exceed 4 GiB"));
            };
            index.arena.extend_from_slice(name.as_bytes());
            let arena = &index.arena;
            index
                .table
                .insert_unique(h, Slot { start, len, task }, |slot| {
                    hash_bytes(span(arena, slot))
                });
        }
        Ok(index)
    }

    /// The position of `name`, if it is a task.
    pub(crate) fn get(&self, name: &str) -> Option<usize> {
        self.get_hashed(hash(name), name)
    }

    fn get_hashed(&self, h: u64, name: &str) -> Option<usize> {
        self.table
            .find(h, |slot| {
                slot.len as usize == name.len() && span(&self.arena, slot) == name.as_bytes()
            })
            .map(|slot| slot.task as usize)
    }
}

fn span<'a>(arena: &'a [u8], slot: &Slot) -> &'a [u8] {
    let start = slot.start as usize;
    arena
        .get(start..start + slot.len as usize)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_name_and_nothing_else() {
        let names: Vec<String> = (0..500).map(|i| format!("t{i}")).collect();
        let index = NameIndex::build(names.iter().map(String::as_str)).unwrap();
        for (i, name) in names.iter().enumerate() {
            assert_eq!(index.get(name), Some(i));
        }
        assert_eq!(index.get("t5000"), None);
        assert_eq!(index.get(""), None);
        assert_eq!(
            index.get("t1t2"),
            None,
            "spans must not bleed into each other"
        );
    }

    #[test]
    fn rejects_empty_and_duplicate_names() {
        let err = NameIndex::build(["a", "b", "a"].into_iter()).err().unwrap();
        assert_eq!(err, Error::DuplicateTaskName { name: "a".into() });
        let err = NameIndex::build(["a", ""].into_iter()).err().unwrap();
        assert_eq!(err, Error::EmptyTaskName { index: 1 });
    }

    /// The index is O(1) per lookup only if names spread over the table:
    /// a thousand task names get (nearly) a thousand different hashes.
    #[test]
    fn names_spread_over_the_table() {
        let names: Vec<String> = (0..1_000).map(|i| format!("task-{i}")).collect();
        let mut hashes: Vec<u64> = names.iter().map(|n| hash(n)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert!(hashes.len() >= 999, "{} distinct hashes", hashes.len());
        assert_eq!(
            hash("web"),
            hash_bytes(b"web"),
            "one hash for str and bytes"
        );
    }
}
