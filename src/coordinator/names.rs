//! Task name → task position, the lookup every update makes once per task.
//!
//! Names are copied once into one contiguous arena; each task has a slot
//! with its name's span there, and the hash table holds only task positions
//! (4 bytes each, against 24 for a whole slot: a 1,000-task table is 8 KiB
//! rather than 48, built faster and kept in L1 cache with the slots and the
//! arena). A lookup reads the table, one slot and perhaps the arena, nothing
//! else, unlike one heap string per task. Each slot also keeps the name's
//! first eight bytes, so a name of at most eight bytes is matched without
//! reading the arena at all, and a longer one compares only its tail there
//! (a profile of 1,000-task updates had half their time in the lookup, a
//! third of that in `memcmp`).

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

use crate::error::{clip, Error};
use crate::limits::{MAX_NAME_BYTES, MAX_TASKS};

#[derive(Clone, Copy)]
struct Slot {
    /// The name's first eight bytes (see [`head`]).
    head: u64,
    start: u32,
    len: u32,
}

/// A name's first eight bytes as one number (zero-padded when shorter):
/// equal heads and lengths mean equal names of at most eight bytes.
// Not inlined in wasm: its three inlined copies took 160 bytes of the core
// wasm's 20 KB budget; natively a call costs 5-10% of a lifecycle.
#[cfg_attr(target_arch = "wasm32", inline(never))]
fn head(name: &[u8]) -> u64 {
    // One load for a longer name, a shorter one byte by byte. (Copying it
    // into a zeroed `[u8; 8]` called `memcpy`, whose narrow stores then
    // stalled the wide load reading them back: the fix took 12-29% off a
    // 1,000-task lifecycle, by the order of its names, and 20% off a 10-task one.)
    match name.first_chunk::<8>() {
        Some(first) => u64::from_le_bytes(*first),
        None => name
            .iter()
            .rev()
            .fold(0, |head, &byte| head << 8 | u64::from(byte)),
    }
}

#[derive(Default)]
pub(crate) struct NameIndex {
    arena: Vec<u8>,
    /// Task positions, hashed by name.
    table: HashTable<u32>,
    /// Each task's slot, by position.
    by_task: Vec<Slot>,
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
            by_task: Vec::with_capacity(names.len()),
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
            index.by_task.push(Slot {
                head: head(name.as_bytes()),
                start,
                len,
            });
            let (arena, by_task) = (&index.arena, &index.by_task);
            index.table.insert_unique(h, task, |&task| {
                by_task
                    .get(task as usize)
                    .map_or(0, |slot| hash_bytes(span(arena, slot)))
            });
        }
        Ok(index)
    }

    /// The position of `name`, if it is a task.
    pub(crate) fn get(&self, name: &str) -> Option<usize> {
        self.get_hashed(hash(name), name)
    }

    /// Appends each entry of `entries` to `out` with its name replaced by
    /// its position, in their order; fails on the first unknown name.
    ///
    /// Each name is first compared with the task after the last one found: a
    /// caller that keeps its tasks in a `Vec` (or an `IndexMap`, or a JS
    /// object, whose keys keep their order) names them in order, and each
    /// lookup is then one comparison. A name that is not that task starts a
    /// batch of [`BATCH`] names, all hashed before any probe of the table, so
    /// that the probes' memory reads overlap instead of each waiting for the
    /// one before: -20 to -25% on a 1,000-task update in random order (a
    /// `HashMap`'s, or Go's map's).
    pub(crate) fn resolve<K: AsRef<str>, V>(
        &self,
        entries: impl IntoIterator<Item = (K, V)>,
        out: &mut Vec<(usize, V)>,
    ) -> Result<(), Error> {
        let mut entries = entries.into_iter();
        let mut guess = 0;
        while let Some((key, value)) = entries.next() {
            if self.is_at(key.as_ref(), guess) {
                out.push((guess, value));
                guess += 1;
                continue;
            }
            let mut batch: [Option<(K, V)>; BATCH] = [const { None }; BATCH];
            batch[0] = Some((key, value));
            for slot in &mut batch[1..] {
                let Some(entry) = entries.next() else { break };
                *slot = Some(entry);
            }
            let mut hashes = [0; BATCH];
            for (hashed, (key, _)) in hashes.iter_mut().zip(batch.iter().flatten()) {
                *hashed = hash(key.as_ref());
            }
            for (entry, hashed) in batch.iter_mut().zip(hashes) {
                let Some((key, value)) = entry.take() else {
                    break;
                };
                let Some(task) = self.get_hashed(hashed, key.as_ref()) else {
                    return Err(Error::unknown_task(key.as_ref()));
                };
                out.push((task, value));
                guess = task + 1;
            }
        }
        Ok(())
    }

    /// Whether `name` is the name of task `task`.
    fn is_at(&self, name: &str, task: usize) -> bool {
        let bytes = name.as_bytes();
        self.by_task
            .get(task)
            .is_some_and(|slot| self.matches(slot, bytes, head(bytes)))
    }

    fn get_hashed(&self, h: u64, name: &str) -> Option<usize> {
        let bytes = name.as_bytes();
        self.find(h, bytes, head(bytes))
    }

    fn find(&self, h: u64, name: &[u8], first: u64) -> Option<usize> {
        self.table
            .find(h, |&task| {
                self.by_task
                    .get(task as usize)
                    .is_some_and(|slot| self.matches(slot, name, first))
            })
            .map(|&task| task as usize)
    }

    /// Whether `slot` holds `name`, whose [`head`] is `first`.
    fn matches(&self, slot: &Slot, name: &[u8], first: u64) -> bool {
        slot.len as usize == name.len()
            && slot.head == first
            && (name.len() <= 8 || span(&self.arena, slot).get(8..) == name.get(8..))
    }
}

/// How many names [`NameIndex::resolve`] looks up at once.
const BATCH: usize = 8;

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

    /// Names that share their first eight bytes, or differ only past them,
    /// or only in length: the head alone never decides a longer name.
    #[test]
    fn names_alike_in_their_first_eight_bytes_stay_apart() {
        let names = [
            "prestart",
            "prestart-a",
            "prestart-b",
            "prestar",
            "prestart\0",
            "p",
            "",
        ];
        let index = NameIndex::build(names[..6].iter().copied()).unwrap();
        for (i, name) in names[..6].iter().enumerate() {
            assert_eq!(index.get(name), Some(i), "{name}");
        }
        for missing in ["prestart-c", "prestart\0\0", "prestarT", "", "\0"] {
            assert_eq!(index.get(missing), None, "{missing:?}");
        }
        assert_eq!(head(b"ab"), head(b"ab\0"), "why the length is compared too");
        assert_eq!(head(b"ab"), u64::from_le_bytes(*b"ab\0\0\0\0\0\0"));
        assert_eq!(head(b"abcdefg"), u64::from_le_bytes(*b"abcdefg\0"));
        assert_eq!(head(b"abcdefghij"), u64::from_le_bytes(*b"abcdefgh"));
        assert_eq!(head(b""), 0);
    }

    /// Entries in task order, reversed, shuffled, repeated, and every mix
    /// of in-order and other batches: each gets its own position.
    #[test]
    fn resolve_finds_names_in_any_order() {
        let names: Vec<String> = (0..50).map(|i| format!("task-number-{i}")).collect();
        let index = NameIndex::build(names.iter().map(String::as_str)).unwrap();
        let orders: Vec<Vec<usize>> = vec![
            (0..50).collect(),
            (0..50).rev().collect(),
            (0..50).map(|i| (i * 7) % 50).collect(),
            [
                0, 1, 2, 3, 4, 5, 6, 7, 30, 31, 9, 8, 10, 11, 12, 13, 14, 15, 1, 1, 49,
            ]
            .into(),
            (0..50)
                .map(|i| if i % 3 == 0 { 49 - i } else { i })
                .collect(),
            vec![],
        ];
        for order in orders {
            let entries = order.iter().map(|&i| (names[i].as_str(), i));
            let mut out = vec![];
            index.resolve(entries, &mut out).unwrap();
            let want: Vec<(usize, usize)> = order.iter().map(|&i| (i, i)).collect();
            assert_eq!(out, want, "{order:?}");
        }
    }

    /// An unknown name fails with its error, wherever it is in its batch and
    /// whether the entries before it are in order or not, taking at most a
    /// batch of entries past it.
    #[test]
    fn resolve_stops_at_the_first_unknown_name() {
        let names: Vec<String> = (0..30).map(|i| format!("task-number-{i}")).collect();
        let index = NameIndex::build(names.iter().map(String::as_str)).unwrap();
        for reversed in [false, true] {
            for bad in [0, 5, BATCH - 1, BATCH, 2 * BATCH + 3, 29] {
                let mut entries: Vec<(&str, usize)> =
                    names.iter().map(String::as_str).zip(0..).collect();
                if reversed {
                    entries.reverse();
                }
                // Same length and head as the name it replaces.
                entries[bad].0 = if bad == 0 {
                    "task-number-0x"
                } else {
                    "task-number-9x"
                };
                let mut taken = 0;
                let counted = entries.iter().inspect(|_| taken += 1).copied();
                let err = index.resolve(counted, &mut vec![]).unwrap_err();
                assert_eq!(
                    err,
                    Error::unknown_task(entries[bad].0),
                    "unknown name at {bad}"
                );
                assert!(taken <= bad + BATCH, "took {taken} entries");
            }
        }
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
