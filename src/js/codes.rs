//! The code buffer: one state code per task, which www/src/api.js writes
//! straight into wasm memory (at [`CodeBuffer::ptr`]) and Rust applies as an
//! update, so that an update copies nothing and allocates nothing.
//!
//! Codes are held as words of [`CODES_PER_WORD`]: task `i`'s code is byte
//! `i % 8` of word `i / 8` (wasm is little-endian, so JS sees one byte per
//! task, in task order). An update reads only the codes not
//! [`KEEP`](super::wire::KEEP), and skips a word of eight tasks left as they
//! are in one compare: api.js may leave a few changes waiting anywhere in a
//! buffer of hundreds of tasks, and has the whole buffer applied.

use std::cell::Cell;

use super::wire::KEEP;

/// Codes in one word of the buffer.
const CODES_PER_WORD: usize = 8;
/// A word whose every task is left as it is.
const ALL_KEEP: u64 = u64::from_le_bytes([KEEP; CODES_PER_WORD]);

/// One code per task, every one [`KEEP`] between updates.
pub(super) struct CodeBuffer {
    words: Box<[Cell<u64>]>,
    tasks: usize,
}

impl CodeBuffer {
    /// A buffer for `tasks` tasks, all [`KEEP`].
    pub(super) fn new(tasks: usize) -> Self {
        let words = vec![Cell::new(ALL_KEEP); tasks.div_ceil(CODES_PER_WORD)];
        CodeBuffer {
            words: words.into_boxed_slice(),
            tasks,
        }
    }

    /// Its address in wasm memory, where task `i`'s code is byte `i`.
    pub(super) fn ptr(&self) -> usize {
        self.words.as_ptr() as usize
    }

    /// Sets task `index`'s code, as api.js does in wasm memory. An index
    /// past the last task is ignored.
    pub(super) fn set(&self, index: usize, code: u8) {
        if let Some(word) = self
            .words
            .get(index / CODES_PER_WORD)
            .filter(|_| index < self.tasks)
        {
            let mut codes = word.get().to_le_bytes();
            codes[index % CODES_PER_WORD] = code;
            word.set(u64::from_le_bytes(codes));
        }
    }

    /// The words that hold tasks `from..to` (so maybe a few tasks either
    /// side, whose codes are [`KEEP`] as every code outside the range is),
    /// or `None` when the tasks have no such range.
    pub(super) fn span(&self, from: usize, to: usize) -> Option<Span<'_>> {
        if from > to || to > self.tasks {
            return None;
        }
        let first = from / CODES_PER_WORD;
        let words = self.words.get(first..to.div_ceil(CODES_PER_WORD))?;
        Some(Span {
            words,
            first_task: first * CODES_PER_WORD,
        })
    }

    /// Every code back to [`KEEP`].
    pub(super) fn clear(&self) {
        Span {
            words: &self.words,
            first_task: 0,
        }
        .clear();
    }
}

/// Some words of a [`CodeBuffer`].
pub(super) struct Span<'a> {
    words: &'a [Cell<u64>],
    first_task: usize,
}

impl<'a> Span<'a> {
    /// Each code that is not [`KEEP`], with its task's position, in task order.
    pub(super) fn codes(&self) -> Codes<'a> {
        Codes {
            words: self.words.iter(),
            next_task: self.first_task,
            word: ALL_KEEP,
        }
    }

    /// Every code of the span back to [`KEEP`].
    pub(super) fn clear(&self) {
        self.words.iter().for_each(|w| w.set(ALL_KEEP));
    }
}

/// See [`Span::codes`]. Bounded by the span: each step takes a word or a
/// code of it.
#[derive(Clone)]
pub(super) struct Codes<'a> {
    words: std::slice::Iter<'a, Cell<u64>>,
    /// The first task of the next word (so `word`'s is this less 8).
    next_task: usize,
    /// The word being read, its codes already yielded set to [`KEEP`].
    word: u64,
}

impl Iterator for Codes<'_> {
    type Item = (usize, u8);

    fn next(&mut self) -> Option<(usize, u8)> {
        while self.word == ALL_KEEP {
            self.word = self.words.next()?.get();
            self.next_task += CODES_PER_WORD;
        }
        // The lowest byte that is not KEEP (there is one: the word is not ALL_KEEP).
        let shift = (self.word ^ ALL_KEEP).trailing_zeros() & !7;
        let code = (self.word >> shift) as u8;
        self.word |= 0xff << shift;
        let task = self.next_task - CODES_PER_WORD + shift as usize / 8;
        Some((task, code))
    }
}
