//! Nomad's restart tracker: what a task runner does when its task exits or
//! fails to start. The behaviour of Nomad's `RestartTracker`
//! (`client/allocrunner/taskrunner/restarts/restarts.go`), written from its
//! documented rules and checked against traces recorded from it
//! (`tests/conformance/restart-tracker.json`).
//!
//! Pure: no clock of its own (every call is given the time, in nanoseconds on
//! the caller's clock) and no randomness of its own (the jitter comes from the
//! caller's seeded RNG).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Hook, Lifecycle};

/// Nanoseconds: the unit of every time and duration here, as in Go.
pub type Nanos = u64;

const SECOND: Nanos = 1_000_000_000;

/// `restart { mode }`: what happens once the attempts of an interval are used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RestartMode {
    /// The task fails (and with it, the allocation).
    Fail,
    /// The task waits for the next interval, then is restarted.
    Delay,
}

/// A job's `type`: decides whether a task that exits 0 is restarted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobType {
    #[default]
    Service,
    Batch,
    #[serde(rename = "sysbatch")]
    SysBatch,
    System,
}

impl JobType {
    pub const ALL: [JobType; 4] = [
        JobType::Service,
        JobType::Batch,
        JobType::SysBatch,
        JobType::System,
    ];

    /// As a jobspec spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            JobType::Service => "service",
            JobType::Batch => "batch",
            JobType::SysBatch => "sysbatch",
            JobType::System => "system",
        }
    }

    /// The restart policy Nomad gives a group that sets none
    /// (`DefaultServiceJobRestartPolicy` / `DefaultBatchJobRestartPolicy`):
    /// batch and sysbatch jobs 3 attempts in 24 h, the others 2 in 30 min;
    /// 15 s delay and mode `fail` for all.
    pub const fn default_restart_policy(self) -> RestartPolicy {
        match self {
            JobType::Batch | JobType::SysBatch => RestartPolicy {
                attempts: 3,
                interval: 24 * 3600 * SECOND,
                delay: 15 * SECOND,
                mode: RestartMode::Fail,
            },
            JobType::Service | JobType::System => RestartPolicy {
                attempts: 2,
                interval: 30 * 60 * SECOND,
                delay: 15 * SECOND,
                mode: RestartMode::Fail,
            },
        }
    }
}

impl std::str::FromStr for JobType {
    type Err = String;

    /// As a jobspec spells it; the error says what would do.
    fn from_str(text: &str) -> Result<Self, String> {
        JobType::ALL
            .into_iter()
            .find(|t| t.as_str() == text)
            .ok_or_else(|| {
                format!("job type `{text}` is not one of service, batch, sysbatch, system")
            })
    }
}

impl RestartMode {
    /// As a `restart` block spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            RestartMode::Fail => "fail",
            RestartMode::Delay => "delay",
        }
    }
}

impl std::str::FromStr for RestartMode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        [RestartMode::Fail, RestartMode::Delay]
            .into_iter()
            .find(|m| m.as_str() == text)
            .ok_or_else(|| format!("restart mode `{text}` is not \"fail\" or \"delay\""))
    }
}

impl fmt::Display for JobType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A group's or task's `restart` block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RestartPolicy {
    /// Restarts allowed per interval.
    pub attempts: u32,
    /// The window in which `attempts` are counted, from the tracker's start.
    pub interval: Nanos,
    /// The wait before a restart (jittered by up to 25 %).
    pub delay: Nanos,
    pub mode: RestartMode,
}

/// How a task's run ended, as its driver reports it (Nomad's `ExitResult`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ExitResult {
    pub exit_code: i32,
    pub signal: i32,
    pub oom_killed: bool,
    /// Whether the driver reported an error with the exit.
    pub err: bool,
}

impl ExitResult {
    /// Nomad's `ExitResult.Successful()`: exit code 0, no signal, no error.
    /// (An OOM kill alone does not make an exit unsuccessful.)
    pub const fn is_successful(&self) -> bool {
        self.exit_code == 0 && self.signal == 0 && !self.err
    }
}

/// One thing that happened to the task, recorded before asking for the next state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RestartEvent {
    /// The task exited (`SetExitResult`).
    Exited(ExitResult),
    /// The task failed to start (`SetStartError`); an unrecoverable error
    /// is never retried.
    StartError { recoverable: bool },
    /// The task was killed (`SetKilled`): it never restarts.
    Killed,
    /// A restart was asked for (`SetRestartTriggered`): as a failure it goes
    /// through the policy; otherwise it happens at once, uncounted.
    RestartTriggered { failure: bool },
    /// Nothing was recorded.
    None,
}

/// What the task runner does next (Nomad's task state event types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RestartState {
    /// Start the task again after the delay.
    Restarting,
    /// Give up: the task fails.
    #[serde(rename = "Not Restarting")]
    NotRestarting,
    /// The task finished successfully and is done.
    Terminated,
    /// The task was killed and stays dead.
    Killed,
}

impl RestartState {
    /// Nomad's event type name: `Restarting`, `Not Restarting`, `Terminated`, `Killed`.
    pub const fn as_str(self) -> &'static str {
        match self {
            RestartState::Restarting => "Restarting",
            RestartState::NotRestarting => "Not Restarting",
            RestartState::Terminated => "Terminated",
            RestartState::Killed => "Killed",
        }
    }
}

impl fmt::Display for RestartState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer to [`RestartTracker::next_state`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decision {
    /// `None` when no failure was recorded (Nomad returns an empty state).
    pub state: Option<RestartState>,
    /// How long to wait before restarting (0 unless `Restarting`).
    pub delay: Nanos,
}

/// Nomad's reasons, word for word.
pub mod reason {
    pub const NO_RESTARTS_ALLOWED: &str = "Policy allows no restarts";
    pub const UNRECOVERABLE_ERROR: &str = "Error was unrecoverable";
    pub const WITHIN_POLICY: &str = "Restart within policy";
    pub const DELAY: &str = "Exceeded allowed attempts, applying a delay";
    pub const TERMINATED: &str = "Restart unnecessary as task terminated successfully";
}

/// The jitter Nomad adds to a restart delay: up to this share of it.
const JITTER: f64 = 0.25;

/// One task runner's restart bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct RestartTracker {
    policy: RestartPolicy,
    /// Whether a successful exit restarts the task (see [`RestartTracker::new`]).
    on_success: bool,
    /// When the current interval began.
    interval_start: Nanos,
    /// Restarts counted in the current interval.
    count: u32,
    /// Why the last decision was made (kept when a decision has no state).
    reason: String,
    /// What was recorded since the last decision (cleared by each).
    recorded: Recorded,
}

/// What Nomad's setters record between two decisions, one field each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Recorded {
    exit: Option<ExitResult>,
    /// A start error, and whether it is recoverable.
    start_error: Option<bool>,
    killed: bool,
    /// A restart asked for without failure.
    restart_triggered: bool,
    /// Whether a failure (an exit, a start error, a restart as a failure) was recorded.
    failure: bool,
}

/// Whether a task that exits 0 is restarted, by job type and lifecycle:
/// batch and sysbatch tasks are done once they succeed, other jobs' tasks
/// run for ever; but a prestart or poststart task restarts on success
/// exactly when it is a sidecar, and a poststop task never does.
pub const fn restarts_on_success(job: JobType, lifecycle: Option<&Lifecycle>) -> bool {
    match lifecycle {
        Some(Lifecycle {
            hook: Hook::Prestart | Hook::Poststart,
            sidecar,
        }) => *sidecar,
        Some(Lifecycle {
            hook: Hook::Poststop,
            ..
        }) => false,
        // No lifecycle block, or an empty hook: a main task.
        _ => !matches!(job, JobType::Batch | JobType::SysBatch),
    }
}

impl RestartTracker {
    /// A tracker whose first interval starts at `now`.
    pub fn new(
        policy: RestartPolicy,
        job: JobType,
        lifecycle: Option<&Lifecycle>,
        now: Nanos,
    ) -> Self {
        RestartTracker {
            policy,
            on_success: restarts_on_success(job, lifecycle),
            interval_start: now,
            count: 0,
            reason: String::new(),
            recorded: Recorded::default(),
        }
    }

    pub fn policy(&self) -> &RestartPolicy {
        &self.policy
    }

    /// Restarts counted in the current interval.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Why the last decision was made, in Nomad's words.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Records what happened; the next [`RestartTracker::next_state`] decides.
    pub fn record(&mut self, event: RestartEvent) {
        let r = &mut self.recorded;
        match event {
            RestartEvent::Exited(exit) => (r.exit, r.failure) = (Some(exit), true),
            RestartEvent::StartError { recoverable } => {
                (r.start_error, r.failure) = (Some(recoverable), true)
            }
            RestartEvent::Killed => r.killed = true,
            RestartEvent::RestartTriggered { failure: true } => r.failure = true,
            RestartEvent::RestartTriggered { failure: false } => r.restart_triggered = true,
            RestartEvent::None => {}
        }
    }

    /// What to do next, given what was recorded since the last call, at
    /// time `now` (on the clock the tracker was created with). `rng`
    /// supplies the jitter: `rng(n)` is a uniform number in `0..n`.
    pub fn next_state(&mut self, now: Nanos, rng: impl FnOnce(u64) -> u64) -> Decision {
        let recorded = std::mem::take(&mut self.recorded);
        let (state, delay) = self.decide(recorded, now, rng);
        Decision { state, delay }
    }

    fn decide(
        &mut self,
        r: Recorded,
        now: Nanos,
        rng: impl FnOnce(u64) -> u64,
    ) -> (Option<RestartState>, Nanos) {
        use RestartState::*;
        // A killed task never restarts, whatever its policy.
        if r.killed {
            self.reason.clear();
            return (Some(Killed), 0);
        }
        // A restart asked for without failure happens at once, uncounted.
        if r.restart_triggered {
            self.reason.clear();
            return (Some(Restarting), 0);
        }
        let succeeded = r.exit.is_some_and(|e| e.is_successful());
        // No attempts allowed: done if it succeeded and need not restart,
        // failed otherwise. Nothing is counted.
        if self.policy.attempts == 0 {
            self.set_reason(reason::NO_RESTARTS_ALLOWED);
            let done = !self.on_success && succeeded;
            return (Some(if done { Terminated } else { NotRestarting }), 0);
        }
        // Past the end of the interval (strictly): a new interval starts now.
        if now > self.interval_end() {
            self.count = 0;
            self.interval_start = now;
        }
        // Every decision past this point counts, even one with nothing recorded.
        self.count = self.count.saturating_add(1);
        // Nothing recorded: no state, and the reason stays as it was.
        if !r.failure {
            return (None, 0);
        }
        if r.start_error.is_some() {
            // An unrecoverable start error is never retried.
            if r.start_error == Some(false) {
                self.set_reason(reason::UNRECOVERABLE_ERROR);
                return (Some(NotRestarting), 0);
            }
        } else if succeeded && !self.on_success {
            // A successful exit of a task that need not restart: done.
            self.set_reason(reason::TERMINATED);
            return (Some(Terminated), 0);
        }
        // More failures in this interval than the policy allows.
        if self.count > self.policy.attempts {
            return match self.policy.mode {
                RestartMode::Fail => {
                    self.reason = format!(
                        "Exceeded allowed attempts {} in interval {} and mode is \"fail\"",
                        self.policy.attempts,
                        go_duration(self.policy.interval)
                    );
                    (Some(NotRestarting), 0)
                }
                // Wait out the rest of the interval.
                RestartMode::Delay => {
                    self.set_reason(reason::DELAY);
                    (Some(Restarting), self.interval_end().saturating_sub(now))
                }
            };
        }
        self.set_reason(reason::WITHIN_POLICY);
        (Some(Restarting), self.jittered_delay(rng))
    }

    fn interval_end(&self) -> Nanos {
        self.interval_start.saturating_add(self.policy.interval)
    }

    fn set_reason(&mut self, reason: &str) {
        self.reason.clear();
        self.reason.push_str(reason);
    }

    /// The policy's delay plus up to 25 % jitter: `d + ⌊r · 0.25⌋` with `r`
    /// uniform in `0..d`, where `d` is the delay or 1 ns when it is 0.
    fn jittered_delay(&self, rng: impl FnOnce(u64) -> u64) -> Nanos {
        let d = self.policy.delay.max(1);
        let r = rng(d).min(d - 1);
        d.saturating_add((r as f64 * JITTER) as u64)
    }

    /// The bounds [`RestartTracker::next_state`]'s jitter stays within for
    /// a restart within policy: `[d, d + ⌊(d − 1) · 0.25⌋]`.
    pub fn jitter_bounds(delay: Nanos) -> (Nanos, Nanos) {
        let d = delay.max(1);
        (d, d.saturating_add(((d - 1) as f64 * JITTER) as u64))
    }
}

/// A duration as Go's `time.Duration.String()` prints it: `1m0s`, `1.5s`,
/// `24h0m0s`, `500ms`, `0s`.
pub fn go_duration(ns: Nanos) -> String {
    if ns < SECOND {
        let (unit, digits) = match ns {
            0 => return "0s".to_owned(),
            1..1_000 => ("ns", 0),
            1_000..1_000_000 => ("µs", 3),
            _ => ("ms", 6),
        };
        let (whole, frac) = split_fraction(ns, digits);
        return format!("{whole}{frac}{unit}");
    }
    let (secs, frac) = split_fraction(ns, 9);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}{frac}s")
    } else if m > 0 {
        format!("{m}m{s}{frac}s")
    } else {
        format!("{s}{frac}s")
    }
}

/// Reads a duration as Go's `time.ParseDuration` does (`15s`, `1h30m`,
/// `1.5s`, `300ms`, `2us`): a sequence of decimal numbers, each with an
/// optional fraction and a unit (`ns`, `us` or `µs`, `ms`, `s`, `m`, `h`).
/// Negative durations and anything past `u64::MAX` nanoseconds are refused.
/// (No well-kept crate parses Go's syntax; this follows its grammar.)
pub fn parse_go_duration(text: &str) -> Result<Nanos, String> {
    let invalid = || format!("invalid duration {text:?}");
    let rest = text.strip_prefix('+').unwrap_or(text);
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() || rest.starts_with('-') {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    let mut chars = rest.char_indices().peekable();
    while chars.peek().is_some() {
        // The number: digits, then an optional fraction.
        let (mut whole, mut frac, mut scale, mut digits) = (0u128, 0u128, 1u128, 0);
        while let Some(&(_, c @ '0'..='9')) = chars.peek() {
            whole = whole
                .saturating_mul(10)
                .saturating_add(u128::from(c as u8 - b'0'));
            digits += 1;
            chars.next();
        }
        if let Some(&(_, '.')) = chars.peek() {
            chars.next();
            while let Some(&(_, c @ '0'..='9')) = chars.peek() {
                // Go keeps fraction digits while they fit in its uint64;
                // 18 of them (frac × an hour's nanoseconds still fits in u128).
                if scale < 10u128.pow(18) {
                    frac = frac * 10 + u128::from(c as u8 - b'0');
                    scale *= 10;
                }
                digits += 1;
                chars.next();
            }
        }
        if digits == 0 {
            return Err(invalid());
        }
        // The unit: everything up to the next digit or dot.
        let start = chars.peek().map_or(rest.len(), |&(i, _)| i);
        while chars
            .peek()
            .is_some_and(|&(_, c)| c != '.' && !c.is_ascii_digit())
        {
            chars.next();
        }
        let end = chars.peek().map_or(rest.len(), |&(i, _)| i);
        let unit: u128 = match &rest[start..end] {
            "" => return Err(format!("missing unit in duration {text:?}")),
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            other => return Err(format!("unknown unit {other:?} in duration {text:?}")),
        };
        let value = whole
            .saturating_mul(unit)
            .saturating_add(frac * unit / scale);
        total = total.saturating_add(value);
    }
    u64::try_from(total).map_err(|_| invalid())
}

/// `v` split at `digits` decimal places: the whole part, and the fraction as
/// `.ddd` without trailing zeros (empty when it is zero).
fn split_fraction(v: u64, digits: u32) -> (u64, String) {
    let scale = 10u64.pow(digits);
    let frac = v % scale;
    if frac == 0 {
        return (v / scale, String::new());
    }
    let text = format!("{frac:0width$}", width = digits as usize);
    (v / scale, format!(".{}", text.trim_end_matches('0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Nanos = 1_000_000;

    fn policy(attempts: u32, interval_ms: u64, delay_ms: u64, mode: RestartMode) -> RestartPolicy {
        RestartPolicy {
            attempts,
            interval: interval_ms * MS,
            delay: delay_ms * MS,
            mode,
        }
    }

    fn exit(code: i32) -> RestartEvent {
        RestartEvent::Exited(ExitResult {
            exit_code: code,
            ..ExitResult::default()
        })
    }

    fn tracker(p: RestartPolicy, job: JobType, lifecycle: Option<Lifecycle>) -> RestartTracker {
        RestartTracker::new(p, job, lifecycle.as_ref(), 0)
    }

    fn step(
        t: &mut RestartTracker,
        now: Nanos,
        event: RestartEvent,
    ) -> (Option<RestartState>, Nanos) {
        t.record(event);
        let d = t.next_state(now, |n| n - 1); // the largest jitter
        (d.state, d.delay)
    }

    #[test]
    fn go_durations() {
        let cases = [
            (0, "0s"),
            (1, "1ns"),
            (1_500, "1.5µs"),
            (500 * MS, "500ms"),
            (1_500 * MS, "1.5s"),
            (60_000 * MS, "1m0s"),
            (90_000 * MS, "1m30s"),
            (30 * 60_000 * MS, "30m0s"),
            (24 * 3_600_000 * MS, "24h0m0s"),
            (3_661_001 * MS, "1h1m1.001s"),
        ];
        for (ns, want) in cases {
            assert_eq!(go_duration(ns), want, "{ns}");
        }
    }

    #[test]
    fn go_durations_parse_as_go_parses_them() {
        let ok = [
            ("0", 0),
            ("15s", 15_000 * MS),
            ("30m", 1_800_000 * MS),
            ("1h30m", 5_400_000 * MS),
            ("1.5s", 1_500 * MS),
            (".5s", 500 * MS),
            ("300ms", 300 * MS),
            ("2us", 2_000),
            ("2µs", 2_000),
            ("7ns", 7),
            ("+1m0s", 60_000 * MS),
            ("1h1m1.001s", 3_661_001 * MS),
            ("1.25s", 1_250 * MS),
            ("0.125ms", 125_000),
            // As Go, which keeps every fraction digit its uint64 holds:
            // 2.778 × 10^-13 h is 1.00008 ns (15 digits would make it 0.9972).
            ("0.0000000000002778h", 1),
        ];
        for (text, ns) in ok {
            assert_eq!(parse_go_duration(text), Ok(ns), "{text}");
            if ns > 0 {
                assert_eq!(
                    parse_go_duration(&go_duration(ns)),
                    Ok(ns),
                    "round trip of {text}"
                );
            }
        }
        for bad in [
            "",
            "s",
            "15",
            "-1s",
            "1x",
            "1.s.",
            "1 s",
            "1d",
            ".s",
            "99999999999999999999h",
        ] {
            assert!(parse_go_duration(bad).is_err(), "{bad:?} should fail");
        }
        assert_eq!(
            parse_go_duration("1d").unwrap_err(),
            "unknown unit \"d\" in duration \"1d\""
        );
    }

    #[test]
    fn job_types_restart_modes_and_states_read_and_print_as_nomad_spells_them() {
        for t in JobType::ALL {
            assert_eq!(t.as_str().parse::<JobType>(), Ok(t));
            assert_eq!(t.to_string(), t.as_str());
        }
        assert_eq!("batch".parse::<JobType>(), Ok(JobType::Batch));
        assert_eq!(
            "cron".parse::<JobType>(),
            Err("job type `cron` is not one of service, batch, sysbatch, system".into())
        );
        assert_eq!(RestartMode::Fail.as_str(), "fail");
        assert_eq!(RestartMode::Delay.as_str(), "delay");
        assert_eq!("delay".parse::<RestartMode>(), Ok(RestartMode::Delay));
        assert_eq!("fail".parse::<RestartMode>(), Ok(RestartMode::Fail));
        assert!("retry".parse::<RestartMode>().is_err());
        assert_eq!(RestartState::NotRestarting.to_string(), "Not Restarting");
    }

    #[test]
    fn restart_on_success_follows_job_type_and_lifecycle() {
        let l = |hook, sidecar| Some(Lifecycle { hook, sidecar });
        use JobType::*;
        for job in JobType::ALL {
            let batchy = matches!(job, Batch | SysBatch);
            assert_eq!(
                restarts_on_success(job, None),
                !batchy,
                "main task of {job}"
            );
            assert_eq!(
                restarts_on_success(job, l(Hook::Empty, false).as_ref()),
                !batchy
            );
            assert!(restarts_on_success(job, l(Hook::Prestart, true).as_ref()));
            assert!(!restarts_on_success(job, l(Hook::Prestart, false).as_ref()));
            assert!(restarts_on_success(job, l(Hook::Poststart, true).as_ref()));
            assert!(!restarts_on_success(job, l(Hook::Poststop, true).as_ref()));
        }
    }

    #[test]
    fn default_policies_are_nomads() {
        assert_eq!(
            JobType::Service.default_restart_policy(),
            policy(2, 30 * 60_000, 15_000, RestartMode::Fail)
        );
        assert_eq!(
            JobType::Batch.default_restart_policy(),
            policy(3, 24 * 3_600_000, 15_000, RestartMode::Fail)
        );
    }

    #[test]
    fn a_kill_never_restarts_and_clears_the_reason() {
        let mut t = tracker(
            policy(2, 30_000, 5_000, RestartMode::Fail),
            JobType::Service,
            None,
        );
        assert_eq!(step(&mut t, 0, exit(1)).0, Some(RestartState::Restarting));
        assert_eq!(t.reason(), reason::WITHIN_POLICY);
        assert_eq!(
            step(&mut t, MS, RestartEvent::Killed),
            (Some(RestartState::Killed), 0)
        );
        assert_eq!((t.reason(), t.count()), ("", 1));
    }

    #[test]
    fn a_restart_without_failure_is_immediate_and_uncounted_even_with_no_attempts() {
        let mut t = tracker(
            policy(0, 30_000, 5_000, RestartMode::Fail),
            JobType::Service,
            None,
        );
        let trigger = RestartEvent::RestartTriggered { failure: false };
        assert_eq!(
            step(&mut t, 0, trigger),
            (Some(RestartState::Restarting), 0)
        );
        assert_eq!(t.count(), 0);
        // As a failure it goes through the policy.
        let failure = RestartEvent::RestartTriggered { failure: true };
        assert_eq!(
            step(&mut t, 0, failure),
            (Some(RestartState::NotRestarting), 0)
        );
    }

    #[test]
    fn no_attempts_terminates_a_success_that_need_not_restart_and_fails_the_rest() {
        let p = policy(0, 30_000, 5_000, RestartMode::Fail);
        let mut batch = tracker(p, JobType::Batch, None);
        assert_eq!(
            step(&mut batch, 0, exit(0)).0,
            Some(RestartState::Terminated)
        );
        assert_eq!(batch.reason(), reason::NO_RESTARTS_ALLOWED);
        let mut service = tracker(p, JobType::Service, None);
        assert_eq!(
            step(&mut service, 0, exit(0)).0,
            Some(RestartState::NotRestarting)
        );
        assert_eq!(service.count(), 0);
    }

    #[test]
    fn nothing_recorded_counts_but_keeps_the_reason() {
        let mut t = tracker(
            policy(3, 30_000, 5_000, RestartMode::Fail),
            JobType::Service,
            None,
        );
        step(&mut t, 0, exit(1));
        assert_eq!(step(&mut t, 0, RestartEvent::None), (None, 0));
        assert_eq!((t.reason(), t.count()), (reason::WITHIN_POLICY, 2));
    }

    #[test]
    fn start_errors_retry_only_when_recoverable() {
        let p = policy(3, 30_000, 5_000, RestartMode::Fail);
        let mut t = tracker(p, JobType::Batch, None);
        let (state, delay) = step(&mut t, 0, RestartEvent::StartError { recoverable: true });
        assert_eq!(state, Some(RestartState::Restarting));
        assert_eq!(delay, RestartTracker::jitter_bounds(5_000 * MS).1);
        let (state, _) = step(&mut t, 0, RestartEvent::StartError { recoverable: false });
        assert_eq!(
            (state, t.reason(), t.count()),
            (
                Some(RestartState::NotRestarting),
                reason::UNRECOVERABLE_ERROR,
                2
            )
        );
    }

    #[test]
    fn exits_with_a_signal_or_an_error_are_failures_but_oom_alone_is_not() {
        let p = policy(1, 30_000, 5_000, RestartMode::Fail);
        let with = |f: fn(&mut ExitResult)| {
            let mut e = ExitResult::default();
            f(&mut e);
            RestartEvent::Exited(e)
        };
        let mut t = tracker(p, JobType::Batch, None);
        assert_eq!(
            step(&mut t, 0, with(|e| e.oom_killed = true)).0,
            Some(RestartState::Terminated)
        );
        let mut t = tracker(p, JobType::Batch, None);
        assert_eq!(
            step(&mut t, 0, with(|e| e.signal = 9)).0,
            Some(RestartState::Restarting)
        );
        let mut t = tracker(p, JobType::Batch, None);
        assert_eq!(
            step(&mut t, 0, with(|e| e.err = true)).0,
            Some(RestartState::Restarting)
        );
    }

    #[test]
    fn exhausted_attempts_fail_with_the_interval_in_gos_words() {
        let mut t = tracker(
            policy(1, 60_000, 1_000, RestartMode::Fail),
            JobType::Service,
            None,
        );
        step(&mut t, 0, exit(1));
        assert_eq!(
            step(&mut t, 10 * MS, exit(1)),
            (Some(RestartState::NotRestarting), 0)
        );
        assert_eq!(
            t.reason(),
            "Exceeded allowed attempts 1 in interval 1m0s and mode is \"fail\""
        );
    }

    #[test]
    fn delay_mode_waits_out_the_interval_and_a_new_interval_resets_the_count() {
        let mut t = tracker(
            policy(1, 10_000, 1_000, RestartMode::Delay),
            JobType::Service,
            None,
        );
        step(&mut t, 0, exit(1));
        assert_eq!(
            step(&mut t, 4_000 * MS, exit(1)),
            (Some(RestartState::Restarting), 6_000 * MS)
        );
        assert_eq!(t.reason(), reason::DELAY);
        // Exactly at the end is not after it: still the same interval.
        assert_eq!(
            step(&mut t, 10_000 * MS, exit(1)),
            (Some(RestartState::Restarting), 0)
        );
        // Past it: a new interval, counted from now.
        let (state, _) = step(&mut t, 10_001 * MS, exit(1));
        assert_eq!(
            (state, t.count(), t.reason()),
            (Some(RestartState::Restarting), 1, reason::WITHIN_POLICY)
        );
    }

    #[test]
    fn jitter_stays_within_nomads_bounds_and_a_zero_delay_is_one_nanosecond() {
        assert_eq!(RestartTracker::jitter_bounds(0), (1, 1));
        assert_eq!(
            RestartTracker::jitter_bounds(5_000 * MS),
            (5_000 * MS, 6_249_999_999)
        );
        let mut t = tracker(
            policy(5, 30_000, 0, RestartMode::Fail),
            JobType::Service,
            None,
        );
        assert_eq!(
            step(&mut t, 0, exit(1)),
            (Some(RestartState::Restarting), 1)
        );
        // A careless RNG (out of range) cannot push the delay past the bound.
        let mut t = tracker(
            policy(5, 30_000, 4, RestartMode::Fail),
            JobType::Service,
            None,
        );
        t.record(exit(1));
        let d = t.next_state(0, |_| u64::MAX);
        assert_eq!(d.delay, RestartTracker::jitter_bounds(4 * MS).1);
    }

    #[test]
    fn no_arithmetic_overflows_at_the_extremes() {
        let huge = RestartPolicy {
            attempts: u32::MAX,
            interval: u64::MAX,
            delay: u64::MAX,
            mode: RestartMode::Delay,
        };
        let mut t = RestartTracker::new(huge, JobType::Service, None, u64::MAX - 1);
        t.record(exit(1));
        let d = t.next_state(u64::MAX, |n| n - 1);
        assert_eq!(
            (d.state, d.delay),
            (Some(RestartState::Restarting), u64::MAX)
        );
    }

    #[test]
    fn a_kill_recorded_with_an_exit_still_wins() {
        let mut t = tracker(
            policy(2, 30_000, 5_000, RestartMode::Fail),
            JobType::Service,
            None,
        );
        t.record(RestartEvent::Killed);
        t.record(exit(1));
        assert_eq!(t.next_state(0, |_| 0).state, Some(RestartState::Killed));
    }
}
