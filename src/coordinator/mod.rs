//! The coordinator: takes task state updates from the alloc runner, moves
//! through the phases of [`crate::phase`], and opens or closes one gate per stage.
//!
//! Its parts: [`tally`] counts tasks per stage and status so every rule checks
//! in O(1); [`names`] maps names to positions; [`event`] is what subscribers
//! hear; [`explain`] says in words why a task waits.

pub(crate) mod event;
mod explain;
#[cfg(feature = "playground")]
pub(crate) use explain::join_words;
pub use explain::{RequirementCheck, RuleCheck, TaskCheck};
mod names;
mod tally;

use std::borrow::Borrow;
use std::fmt;
#[cfg(feature = "subscribe")]
use std::sync::atomic::AtomicU64;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use self::event::{Cause, Transition, TransitionEvent};
use self::names::NameIndex;
use self::tally::Tally;
use crate::error::Error;
use crate::gate::{Gate, Wait};
use crate::model::{Stage, StageSet, TaskSpec, TaskState};
use crate::phase::{Phase, Slack};

type Listener = Arc<dyn Fn(&TransitionEvent) + Send + Sync>;

/// Checks that `tasks` could build a coordinator (no empty name, no
/// duplicate), without building one: for editors that validate as they go.
pub fn validate_tasks(tasks: &[TaskSpec]) -> Result<(), Error> {
    index_names(tasks).map(drop)
}

/// The name index of `tasks`: the one check both `new` and `validate_tasks` make.
fn index_names(tasks: &[TaskSpec]) -> Result<NameIndex, Error> {
    NameIndex::build(tasks.iter().map(|spec| spec.name.as_str()))
}

/// `entries` with each state copied out of whatever holds it.
fn by_value<K, V: Borrow<TaskState>>(
    entries: impl IntoIterator<Item = (K, V)>,
) -> impl Iterator<Item = (K, TaskState)> {
    entries
        .into_iter()
        .map(|(key, state)| (key, *state.borrow()))
}

/// Handle returned by [`Coordinator::subscribe`], for [`Coordinator::unsubscribe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subscription(u64);

/// Decides when each task of a task group may start.
///
/// `Send + Sync`: share it (in an `Arc`) between the alloc runner that feeds
/// it states and the task runners that wait on it.
pub struct Coordinator {
    specs: Vec<TaskSpec>,
    stages: Vec<Stage>,
    index: NameIndex,
    /// One gate per stage; only stages with tasks are exposed by [`Coordinator::gate`].
    gates: [Gate; 6],
    present: StageSet,
    core: Mutex<Core>,
    listeners: Mutex<Vec<(Subscription, Listener)>>,
    /// Events waiting to be delivered, in the order their transitions happened.
    outbox: Mutex<Outbox>,
    #[cfg(feature = "subscribe")]
    next_subscription: AtomicU64,
    /// `listeners.len()`, readable without the lock on every update.
    listener_count: AtomicUsize,
}

/// The mutable part, behind one lock so every update is atomic.
struct Core {
    phase: Phase,
    states: Vec<TaskState>,
    tally: Tally,
    shut_down: bool,
    /// Reused buffer of an update's states, each task named by position:
    /// every name is resolved before any state is applied, so an update with
    /// an unknown name changes nothing.
    given: Vec<(usize, TaskState)>,
}

impl Core {
    fn set(&mut self, task: usize, stage: Stage, state: TaskState) {
        self.tally.count(stage, self.states[task], false);
        self.tally.count(stage, state, true);
        self.states[task] = state;
    }
}

/// Delivery of transition events in the order the transitions happened.
///
/// An event is queued while the core lock is still held (so queue order is
/// transition order) and delivered after it is released (so listeners may call
/// back into the coordinator). One thread at a time delivers: whoever finds
/// nobody delivering drains the queue, calling listeners with no lock held;
/// others only queue. A listener that updates the coordinator queues the new
/// event, which is delivered after it returns, never inside it.
#[derive(Default)]
struct Outbox {
    queue: Vec<TransitionEvent>,
    delivering: bool,
}

/// Resets [`Outbox::delivering`] if a listener unwinds mid-delivery.
struct DeliveringFlag<'a>(&'a Mutex<Outbox>);

impl Drop for DeliveringFlag<'_> {
    fn drop(&mut self) {
        let mut outbox = self.0.lock().unwrap_or_else(|e| e.into_inner());
        outbox.delivering = false;
    }
}

/// Which way an update moves the phase before settling.
#[derive(Clone, Copy)]
enum Entry {
    /// `task_state_updated`: settle from the current phase.
    Update,
    /// `restore`: jump to prestart (skipping init), then settle.
    Restore,
}

impl fmt::Debug for Coordinator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Coordinator")
            .field("phase", &self.phase())
            .field("tasks", &self.specs)
            .finish()
    }
}

impl Default for Coordinator {
    /// A coordinator for an empty task group.
    fn default() -> Self {
        Coordinator::from_parts(Vec::new(), NameIndex::default())
    }
}

impl Coordinator {
    /// A coordinator for `tasks`, in `init` with every gate closed and every
    /// task's last known state pending. Fails on an empty or duplicate name.
    pub fn new(tasks: impl IntoIterator<Item = TaskSpec>) -> Result<Self, Error> {
        let specs: Vec<TaskSpec> = tasks.into_iter().collect();
        let index = index_names(&specs)?;
        Ok(Coordinator::from_parts(specs, index))
    }

    /// A coordinator for tasks whose names `index` has already validated.
    fn from_parts(specs: Vec<TaskSpec>, index: NameIndex) -> Self {
        let mut tally = Tally::default();
        let stages: Vec<Stage> = specs.iter().map(TaskSpec::stage).collect();
        for &stage in &stages {
            tally.add_task(stage, TaskState::pending());
        }
        let present = stages.iter().copied().collect();
        Coordinator {
            core: Mutex::new(Core {
                phase: Phase::Init,
                states: vec![TaskState::pending(); specs.len()],
                tally,
                shut_down: false,
                given: Vec::new(),
            }),
            specs,
            stages,
            index,
            gates: Default::default(),
            present,
            listeners: Mutex::new(Vec::new()),
            outbox: Mutex::new(Outbox::default()),
            #[cfg(feature = "subscribe")]
            next_subscription: AtomicU64::new(0),
            listener_count: AtomicUsize::new(0),
        }
    }

    /// The tasks, in the order given to [`Coordinator::new`].
    pub fn tasks(&self) -> &[TaskSpec] {
        &self.specs
    }

    /// The current phase.
    pub fn phase(&self) -> Phase {
        self.lock().phase
    }

    /// How many task state changes of each kind (by the bit of
    /// [`Phase::key`] they set), at least, it takes before the phase could
    /// move (see [`Slack`]); until then no gate moves either. Callers that
    /// batch state changes (the npm package) may hold that many back
    /// without anyone seeing a difference. [`Slack::UNBOUNDED`] in
    /// `poststop`, which nothing leaves but a restart.
    pub fn slack(&self) -> Slack {
        let core = self.lock();
        core.tally.slack(core.phase)
    }

    /// The gate of `stage`, if the group has a task in that stage.
    pub fn gate(&self, stage: Stage) -> Option<&Gate> {
        self.present
            .contains(stage)
            .then(|| &self.gates[stage.index()])
    }

    /// The stages that have a gate (at least one task), in lifecycle order.
    pub fn stages(&self) -> StageSet {
        self.present
    }

    /// A task's position in [`Coordinator::tasks`].
    pub fn task_index(&self, name: &str) -> Result<usize, Error> {
        self.index
            .get(name)
            .ok_or_else(|| Error::unknown_task(name))
    }

    /// The stage of a task.
    pub fn stage_of(&self, name: &str) -> Result<Stage, Error> {
        Ok(self.stages[self.task_index(name)?])
    }

    /// A task's last reported state (pending until one is reported).
    pub fn task_state(&self, name: &str) -> Result<TaskState, Error> {
        let i = self.task_index(name)?;
        Ok(self.lock().states[i])
    }

    /// Every task's last reported state, in task order.
    pub fn task_states(&self) -> Vec<TaskState> {
        self.lock().states.clone()
    }

    /// Whether `name` may start now: its gate is open.
    pub fn is_allowed(&self, name: &str) -> Result<bool, Error> {
        Ok(self.gate_of(self.task_index(name)?).is_open())
    }

    /// A future that resolves when `name` may start, or fails with
    /// [`crate::Shutdown`] if the coordinator is shut down first.
    pub fn start_condition_for_task(&self, name: &str) -> Result<Wait, Error> {
        Ok(self.gate_of(self.task_index(name)?).wait())
    }

    fn gate_of(&self, task: usize) -> &Gate {
        &self.gates[self.stages[task].index()]
    }

    /// Whether anyone listens; never without the `subscribe` feature, and
    /// then the compiler drops the whole event path (causes, the outbox,
    /// delivery) from the build.
    fn has_listeners(&self) -> bool {
        cfg!(feature = "subscribe") && self.listener_count.load(Ordering::Relaxed) > 0
    }

    /// Records the reported states and moves the FSM. Tasks not named keep
    /// their last state. An unknown name fails the whole update, which then
    /// changes nothing. Returns the transition, if the phase changed.
    pub fn task_state_updated<I, K, V>(&self, states: I) -> Result<Option<Transition>, Error>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Borrow<TaskState>,
    {
        self.apply(Entry::Update, |given| {
            self.index.resolve(by_value(states), given)
        })
    }

    /// [`Coordinator::task_state_updated`] with tasks named by their position
    /// in [`Coordinator::tasks`] (see [`Coordinator::task_index`]): no name
    /// lookups, for callers that resolve names once.
    pub fn task_state_updated_by_index(
        &self,
        states: impl IntoIterator<Item = (usize, TaskState)>,
    ) -> Result<Option<Transition>, Error> {
        self.apply(Entry::Update, |given| self.check_indices(states, given))
    }

    /// [`Coordinator::restore`] with tasks named by position.
    pub fn restore_by_index(
        &self,
        states: impl IntoIterator<Item = (usize, TaskState)>,
    ) -> Result<Option<Transition>, Error> {
        self.apply(Entry::Restore, |given| self.check_indices(states, given))
    }

    /// Appends `states` to `given`, failing on a position past the last task.
    fn check_indices(
        &self,
        states: impl IntoIterator<Item = (usize, TaskState)>,
        given: &mut Vec<(usize, TaskState)>,
    ) -> Result<(), Error> {
        let tasks = self.specs.len();
        for (index, state) in states {
            if index >= tasks {
                return Err(Error::TaskIndexOutOfRange { index, tasks });
            }
            given.push((index, state));
        }
        Ok(())
    }

    /// Records one task's state and moves the FSM.
    pub fn set_task_state(
        &self,
        name: &str,
        state: TaskState,
    ) -> Result<Option<Transition>, Error> {
        self.task_state_updated([(name, state)])
    }

    /// For an alloc restored with tasks that may already be running: jumps to
    /// prestart (skipping init), then applies `states` as an update.
    pub fn restore<I, K, V>(&self, states: I) -> Result<Option<Transition>, Error>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Borrow<TaskState>,
    {
        self.apply(Entry::Restore, |given| {
            self.index.resolve(by_value(states), given)
        })
    }

    /// For a full alloc restart: back to init with every gate closed. Nothing
    /// moves until an update reports every task pending again.
    pub fn restart(&self) -> Option<Transition> {
        let mut core = self.lock();
        let from = core.phase;
        core.phase = Phase::Init;
        let transition = self.move_gates(from, &core);
        let listening = self.has_listeners();
        let posted = self.post(transition, listening.then_some(Cause::Restart));
        drop(core);
        if posted {
            self.deliver();
        }
        transition
    }

    /// Applies the states `resolve` gives (tasks named by position) as an
    /// update or a restore; if it fails, nothing changes.
    fn apply(
        &self,
        entry: Entry,
        resolve: impl FnOnce(&mut Vec<(usize, TaskState)>) -> Result<(), Error>,
    ) -> Result<Option<Transition>, Error> {
        let listening = self.has_listeners();
        let mut guard = self.lock();
        let core = &mut *guard;
        let mut given = std::mem::take(&mut core.given);
        given.clear();
        if let Err(err) = resolve(&mut given) {
            core.given = given;
            return Err(err);
        }
        for &(i, state) in &given {
            if core.states[i] != state {
                core.set(i, self.stages[i], state);
            }
        }
        let from = core.phase;
        let start = match entry {
            Entry::Update => from,
            Entry::Restore => Phase::Prestart,
        };
        core.phase = core.tally.settle(start);
        let transition = self.move_gates(from, core);
        // Name the cause only if someone will hear it (it copies every name).
        let cause = (transition.is_some() && listening).then(|| {
            let states = given
                .iter()
                .map(|&(i, state)| (self.specs[i].name.clone(), state))
                .collect();
            match entry {
                Entry::Update => Cause::Update { states },
                Entry::Restore => Cause::Restore { states },
            }
        });
        core.given = given;
        let posted = self.post(transition, cause);
        drop(guard);
        if posted {
            self.deliver();
        }
        Ok(transition)
    }

    /// Opens the gates of the settled phase and closes the others, each at
    /// most once, so a gate that ends the update closed admits nobody during it.
    fn move_gates(&self, from: Phase, core: &Core) -> Option<Transition> {
        let to = core.phase;
        if from == to {
            return None;
        }
        let mut opened = StageSet::EMPTY;
        let mut closed = StageSet::EMPTY;
        for stage in Stage::ALL {
            let Some(gate) = self.gate(stage) else {
                continue;
            };
            if to.opens(stage) {
                if gate.open() {
                    opened.insert(stage);
                }
            } else if gate.close() {
                closed.insert(stage);
            }
        }
        Some(Transition {
            from,
            to,
            opened,
            closed,
        })
    }

    /// Queues a transition's event (`cause` is `None` when nobody listened).
    /// Called with the core lock held, so the queue follows transition order.
    /// Returns whether it queued one: only then must the caller deliver (an
    /// event queued by another call is delivered by that call, or by the
    /// one delivering when it was queued).
    fn post(&self, transition: Option<Transition>, cause: Option<Cause>) -> bool {
        let (Some(transition), Some(cause)) = (transition, cause) else {
            return false;
        };
        let mut outbox = self.outbox.lock().unwrap_or_else(|e| e.into_inner());
        outbox.queue.push(TransitionEvent { transition, cause });
        true
    }

    /// Delivers queued events in order, unless another call is already
    /// delivering (it will deliver ours too). No lock is held while a
    /// listener runs.
    fn deliver(&self) {
        let mut outbox = self.outbox.lock().unwrap_or_else(|e| e.into_inner());
        if outbox.delivering {
            return;
        }
        outbox.delivering = true;
        while !outbox.queue.is_empty() {
            // Take every queued event; those queued meanwhile (by other
            // threads, or by listeners) happened later and come next round.
            let batch = std::mem::take(&mut outbox.queue);
            drop(outbox);
            // Clears `delivering` even if a listener panics, so delivery
            // never stalls for later events.
            let guard = DeliveringFlag(&self.outbox);
            for event in batch {
                let listeners: Vec<Listener> = {
                    let listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
                    listeners.iter().map(|(_, l)| Arc::clone(l)).collect()
                };
                for listener in listeners {
                    listener(&event);
                }
            }
            std::mem::forget(guard);
            outbox = self.outbox.lock().unwrap_or_else(|e| e.into_inner());
        }
        outbox.delivering = false;
    }

    /// Calls `listener` after every phase change, in the order the changes
    /// happened, outside the coordinator's lock (so it may call back into the
    /// coordinator). Events are delivered one at a time: when two threads
    /// update at once, one delivers both, in order; an update made inside a
    /// listener is heard after that listener returns.
    #[cfg(feature = "subscribe")]
    pub fn subscribe(
        &self,
        listener: impl Fn(&TransitionEvent) + Send + Sync + 'static,
    ) -> Subscription {
        let id = Subscription(self.next_subscription.fetch_add(1, Ordering::Relaxed));
        let mut listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
        listeners.push((id, Arc::new(listener)));
        self.listener_count
            .store(listeners.len(), Ordering::Relaxed);
        id
    }

    /// Stops a subscription. Returns whether it was active.
    #[cfg(feature = "subscribe")]
    pub fn unsubscribe(&self, subscription: Subscription) -> bool {
        let mut listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
        let before = listeners.len();
        listeners.retain(|(id, _)| *id != subscription);
        self.listener_count
            .store(listeners.len(), Ordering::Relaxed);
        listeners.len() != before
    }

    /// Shuts every gate down: every pending and later wait fails with
    /// [`crate::Shutdown`], and gates no longer open or close. The phase
    /// still follows updates, for observers.
    pub fn shutdown(&self) {
        self.lock().shut_down = true;
        self.gates.iter().for_each(Gate::shutdown);
    }

    /// Back to what [`Coordinator::new`] made of the same tasks: init, every
    /// task pending, every gate closed and live, nobody subscribed. For
    /// callers that keep coordinators to reuse (the npm package keeps a few
    /// freed ones): it allocates nothing. A gate someone still holds (a
    /// handle or a wait) is replaced by a new one, which they never see.
    pub fn reset(&mut self) {
        let core = self.core.get_mut().unwrap_or_else(|e| e.into_inner());
        core.phase = Phase::Init;
        core.states.fill(TaskState::pending());
        core.tally.all_pending();
        core.shut_down = false;
        self.gates.iter_mut().for_each(Gate::reset);
        // Without the feature nobody can subscribe and nothing is ever
        // queued (and the wasm builds need no code to drop either).
        if cfg!(feature = "subscribe") {
            self.listeners
                .get_mut()
                .unwrap_or_else(|e| e.into_inner())
                .clear();
            self.listener_count.store(0, Ordering::Relaxed);
            let outbox = self.outbox.get_mut().unwrap_or_else(|e| e.into_inner());
            outbox.queue.clear();
            outbox.delivering = false;
        }
    }

    /// Whether [`Coordinator::shutdown`] was called.
    pub fn is_shut_down(&self) -> bool {
        self.lock().shut_down
    }

    fn lock(&self) -> MutexGuard<'_, Core> {
        // No code panics while holding the lock; recover the data if a
        // caller's panic ever poisons it anyway.
        self.core.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The phase and states, read together under one lock.
    pub(crate) fn snapshot(&self) -> (Phase, Vec<TaskState>, bool) {
        let core = self.lock();
        (core.phase, core.states.clone(), core.shut_down)
    }

    pub(crate) fn stage_list(&self) -> &[Stage] {
        &self.stages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinator_is_send_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Coordinator>();
    }

    #[test]
    fn rejects_empty_and_duplicate_names() {
        let err = Coordinator::new([TaskSpec::main("a"), TaskSpec::main("")]).unwrap_err();
        assert_eq!(err.to_string(), "task #1 has an empty name");
        let err = Coordinator::new([TaskSpec::main("a"), TaskSpec::prestart("a")]).unwrap_err();
        assert_eq!(err.to_string(), "duplicate task name `a`");
    }

    #[test]
    fn unknown_task_changes_nothing() {
        let c = Coordinator::new([TaskSpec::main("web")]).unwrap();
        let err = c
            .task_state_updated([("web", TaskState::pending()), ("db", TaskState::pending())])
            .unwrap_err();
        assert_eq!(err.to_string(), "unknown task `db`");
        assert_eq!(c.phase(), Phase::Init);
        assert_eq!(c.set_task_state("web", TaskState::running()).unwrap(), None);
        assert!(c.is_allowed("nope").is_err());
        assert!(c.start_condition_for_task("nope").is_err());
    }

    #[test]
    fn partial_updates_merge_with_last_known_states() {
        let c = Coordinator::new([TaskSpec::prestart("init"), TaskSpec::main("web")]).unwrap();
        let t = c
            .task_state_updated([("web", TaskState::pending())])
            .unwrap()
            .unwrap();
        assert_eq!((t.from, t.to), (Phase::Init, Phase::Prestart));
        assert_eq!(
            t.opened.iter().collect::<Vec<_>>(),
            [Stage::PrestartEphemeral]
        );
        c.set_task_state("init", TaskState::running()).unwrap();
        let t = c
            .set_task_state("init", TaskState::dead())
            .unwrap()
            .unwrap();
        assert_eq!((t.from, t.to), (Phase::Prestart, Phase::Main));
        assert_eq!(
            t.closed.iter().collect::<Vec<_>>(),
            [Stage::PrestartEphemeral]
        );
        assert_eq!(c.task_state("init").unwrap(), TaskState::dead());
    }

    #[test]
    fn gates_move_once_per_update() {
        // No prestart or poststart task: one update goes init→…→wait_alloc.
        // The prestart gates (absent here) and main open exactly once.
        let c = Coordinator::new([TaskSpec::main("web"), TaskSpec::poststop("bye")]).unwrap();
        c.task_state_updated([("web", TaskState::pending()), ("bye", TaskState::pending())])
            .unwrap();
        assert_eq!(c.phase(), Phase::Main);
        let t = c
            .set_task_state("web", TaskState::running())
            .unwrap()
            .unwrap();
        assert_eq!((t.from, t.to), (Phase::Main, Phase::WaitAlloc));
        assert!(t.opened.is_empty() && t.closed.is_empty());
    }

    #[test]
    #[cfg(feature = "subscribe")]
    fn subscribers_hear_transitions_with_their_cause() {
        let c = Arc::new(Coordinator::new([TaskSpec::main("web")]).unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let back = Arc::clone(&c);
        let sub = c.subscribe(move |event| {
            // Calling back into the coordinator must not deadlock.
            let phase = back.phase();
            sink.lock().unwrap().push((event.clone(), phase));
        });
        c.set_task_state("web", TaskState::pending()).unwrap();
        c.restart();
        assert!(c.unsubscribe(sub));
        assert!(!c.unsubscribe(sub));
        c.set_task_state("web", TaskState::pending()).unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        let (first, phase) = &seen[0];
        assert_eq!(
            (first.transition.from, first.transition.to),
            (Phase::Init, Phase::Main)
        );
        assert_eq!(*phase, Phase::Main);
        assert_eq!(
            first.cause,
            Cause::Update {
                states: vec![("web".into(), TaskState::pending())]
            }
        );
        assert_eq!(seen[1].0.cause, Cause::Restart);
        assert_eq!(
            seen[1].0.transition.closed.iter().collect::<Vec<_>>(),
            [Stage::Main]
        );
    }
}
