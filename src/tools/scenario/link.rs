//! The share-link codec: a [`Scenario`] as a URL hash,
//! `name=stage,state&…` with names percent-encoded, and back. Reading is
//! bounded ([`MAX_LINK_LEN`], [`MAX_PLAYGROUND_TASKS`]) and every error names the entry.
//!
//! A scene in run mode adds entries after the tasks (older links have none,
//! and still open): `~run=<job type>,<seed>[,<restart policy>]`, and for each
//! task whose behaviour is not typical for its stage,
//! `~t.<index>=<leader 0|1>,<kill timeout ms>,<stop ms>,<runs>[,<restart policy>]`,
//! where `<runs>` is `start:run:exit` joined by `;` (`run` is `-` for until
//! killed; `exit` a code, `oom`, `start` or `fatal` for a start error that is
//! recoverable or not) and a restart policy is `attempts,interval ms,delay
//! ms,fail|delay`; `~max=<ms>` is the group's `max_run_duration`. A
//! switchboard session's history follows: `~h=<reports heard>`, then one
//! `~r=` entry per report (`report_token` spells them out); the task states are then
//! where the history starts. `~` is escaped in task names, so these never clash.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

use super::{Call, History, Report, RunSpec, Scenario};
use crate::error::Error;
use crate::limits::{MAX_LINK_LEN, MAX_PLAYGROUND_TASKS, MAX_RUNS};
use crate::model::{Stage, Status, TaskSpec, TaskState};
use crate::tools::sim::restarts::RestartPolicy;
use crate::tools::sim::{Behaviour, Exit, Run};
use crate::validate_tasks;

impl Scenario {
    /// The URL hash (without `#`) that [`Scenario::from_hash`] reads back.
    pub fn to_hash(&self) -> String {
        let mut entries: Vec<String> = self
            .tasks
            .iter()
            .zip(&self.states)
            .map(|(task, &state)| {
                let name = utf8_percent_encode(&task.name, NAME_ESCAPES);
                format!("{name}={},{}", task.stage(), state_token(state))
            })
            .collect();
        if let Some(run) = &self.run {
            let mut head = format!("~run={},{}", run.job_type, run.seed.unwrap_or(1));
            if let Some(policy) = run.restart {
                head.push(',');
                head.push_str(&policy_token(policy));
            }
            entries.push(head);
            if let Some(ms) = run.max_run_duration_ms {
                entries.push(format!("~max={ms}"));
            }
            for (i, task) in self.tasks.iter().enumerate() {
                let Some(b) = run.behaviours.get(i) else {
                    continue;
                };
                if *b == Behaviour::typical(task.stage()) {
                    continue;
                }
                let runs: Vec<String> = b.runs.iter().map(|r| run_token(*r)).collect();
                let mut entry = format!(
                    "~t.{i}={},{},{},{}",
                    u8::from(b.leader),
                    b.kill_timeout_ms,
                    b.stop_ms,
                    runs.join(";")
                );
                if let Some(policy) = b.restart {
                    entry.push(',');
                    entry.push_str(&policy_token(policy));
                }
                entries.push(entry);
            }
        }
        if !self.history.reports.is_empty() {
            entries.push(format!("~h={}", self.history.at));
            for report in &self.history.reports {
                entries.push(report_token(report));
            }
        }
        entries.join("&")
    }

    /// Reads a URL hash (with or without `#`). Every task must be valid for a
    /// coordinator; the error names the entry at fault.
    pub fn from_hash(hash: &str) -> Result<Scenario, Error> {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        if hash.len() > MAX_LINK_LEN {
            return Err(Error::out_of_range(
                "share link",
                format!(
                    "share link: the link is too long ({} characters, at most {MAX_LINK_LEN})",
                    hash.len()
                ),
            ));
        }
        Scenario::from_hash_unbounded(hash)
    }

    /// [`Scenario::from_hash`] without the share link's length limit, for
    /// text the program wrote itself: the import worker hands the page a
    /// group in this form, and 64 long names can outgrow a link. Still
    /// bounded by [`MAX_PLAYGROUND_TASKS`] and linear in the text.
    pub fn from_hash_unbounded(hash: &str) -> Result<Scenario, Error> {
        if hash.is_empty() {
            return Err(syntax("the link names no task".into()));
        }
        let mut scenario = Scenario {
            tasks: Vec::new(),
            states: Vec::new(),
            run: None,
            history: History::default(),
        };
        let mut run_entries = Vec::new();
        let mut history_entries = Vec::new();
        for (i, entry) in hash.split('&').enumerate() {
            if entry.starts_with("~run=") || entry.starts_with("~t.") || entry.starts_with("~max=")
            {
                run_entries.push((i, entry));
                continue;
            }
            if entry.starts_with("~h=") || entry.starts_with("~r=") {
                history_entries.push((i, entry));
                continue;
            }
            if scenario.tasks.len() == MAX_PLAYGROUND_TASKS {
                return Err(Error::out_of_range(
                    "share link",
                    format!("share link: the link has more than {MAX_PLAYGROUND_TASKS} tasks"),
                ));
            }
            let (name, spec) = parse_entry(entry).map_err(|why| {
                let shown: String = entry.chars().take(40).collect();
                syntax(format!("entry {} `{shown}`: {why}", i + 1))
            })?;
            scenario.tasks.push(TaskSpec::in_stage(name, spec.0));
            scenario.states.push(spec.1);
        }
        // The coordinator's own checks: empty and duplicate names.
        validate_tasks(&scenario.tasks)
            .map_err(|e| Error::invalid("share link", format!("share link: {e}")))?;
        if !run_entries.is_empty() {
            let run = parse_run(&scenario.tasks, &run_entries)?;
            scenario.run = Some(run);
        }
        if !history_entries.is_empty() {
            scenario.history = parse_history(scenario.tasks.len(), &history_entries)?;
        }
        Ok(scenario)
    }
}

/// A script of runs as text, `start:run:exit` joined by `; ` — the form share
/// links and the playground's script field use.
pub fn runs_text(runs: &[Run]) -> String {
    runs.iter()
        .map(|r| run_token(*r))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Reads [`runs_text`]'s form (spaces allowed); at least one run, at most [`MAX_RUNS`].
pub fn parse_runs(text: &str) -> Result<Vec<Run>, String> {
    let runs: Vec<Run> = text
        .split(';')
        .map(|r| parse_one_run(r.trim()))
        .collect::<Result<_, _>>()?;
    if runs.is_empty() || runs.len() > MAX_RUNS {
        return Err(format!("a task has 1 to {MAX_RUNS} runs"));
    }
    Ok(runs)
}

/// A restart policy as text: `attempts,interval ms,delay ms,fail|delay`.
pub fn policy_text(policy: RestartPolicy) -> String {
    policy_token(policy)
}

/// Reads [`policy_text`]'s form.
pub fn parse_policy_text(text: &str) -> Result<RestartPolicy, String> {
    let fields: Vec<&str> = text.split(',').map(str::trim).collect();
    parse_policy(&fields)
}

fn policy_token(p: RestartPolicy) -> String {
    let mode = p.mode.as_str();
    format!("{},{},{},{mode}", p.attempts, p.interval / MS, p.delay / MS)
}

fn run_token(run: Run) -> String {
    let length = run.run_ms.map_or("-".to_owned(), |ms| ms.to_string());
    let exit = match run.exit {
        Exit::Code { code } => code.to_string(),
        Exit::OomKilled { .. } => "oom".to_owned(),
        Exit::StartError { recoverable: true } => "start".to_owned(),
        Exit::StartError { recoverable: false } => "fatal".to_owned(),
    };
    format!("{}:{length}:{exit}", run.start_ms)
}

const MS: u64 = 1_000_000;

fn number<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{what} `{text}` is not a whole number"))
}

fn parse_policy(fields: &[&str]) -> Result<RestartPolicy, String> {
    let [attempts, interval, delay, mode] = fields else {
        return Err("a restart policy is attempts,interval ms,delay ms,mode".into());
    };
    let ms = |t: &str, what: &str| -> Result<u64, String> {
        number::<u64>(t, what)?
            .checked_mul(MS)
            .ok_or_else(|| format!("{what} `{t}` is too large"))
    };
    Ok(RestartPolicy {
        attempts: number(attempts, "attempts")?,
        interval: ms(interval, "interval")?,
        delay: ms(delay, "delay")?,
        mode: mode.parse()?,
    })
}

fn parse_one_run(text: &str) -> Result<Run, String> {
    let [start, length, exit] = text.split(':').collect::<Vec<_>>()[..] else {
        return Err(format!("run `{text}` is not start:run:exit"));
    };
    let exit = match exit {
        "oom" => Exit::OomKilled { code: 0 },
        "start" => Exit::StartError { recoverable: true },
        "fatal" => Exit::StartError { recoverable: false },
        code => Exit::Code {
            code: number(code, "exit code")?,
        },
    };
    Ok(Run {
        start_ms: number(start, "start")?,
        run_ms: match length {
            "-" => None,
            ms => Some(number(ms, "run time")?),
        },
        exit,
    })
}

/// The run-mode entries of a link, for `tasks`.
fn parse_run(tasks: &[TaskSpec], entries: &[(usize, &str)]) -> Result<RunSpec, Error> {
    let mut run = RunSpec {
        behaviours: tasks
            .iter()
            .map(|t| Behaviour::typical(t.stage()))
            .collect(),
        ..RunSpec::default()
    };
    for &(i, entry) in entries {
        let fail = |why: String| {
            let shown: String = entry.chars().take(40).collect();
            syntax(format!("entry {} `{shown}`: {why}", i + 1))
        };
        let (key, value) = entry
            .split_once('=')
            .ok_or_else(|| fail("expected key=value".into()))?;
        let fields: Vec<&str> = value.split(',').collect();
        if key == "~max" {
            run.max_run_duration_ms = Some(number(value, "max_run_duration").map_err(fail)?);
            continue;
        }
        if key == "~run" {
            let (job, rest) = fields
                .split_first()
                .ok_or_else(|| fail("no job type".into()))?;
            run.job_type = job.parse().map_err(fail)?;
            let (seed, rest) = rest.split_first().ok_or_else(|| fail("no seed".into()))?;
            run.seed = Some(number(seed, "seed").map_err(fail)?);
            if !rest.is_empty() {
                run.restart = Some(parse_policy(rest).map_err(fail)?);
            }
            continue;
        }
        let index: usize = key
            .strip_prefix("~t.")
            .and_then(|n| n.parse().ok())
            .filter(|&n| n < tasks.len())
            .ok_or_else(|| fail(format!("no task #{}", key.trim_start_matches("~t."))))?;
        let [leader, kill_timeout, stop, runs, policy @ ..] = &fields[..] else {
            return Err(fail("expected leader,kill timeout,stop,runs".into()));
        };
        let runs: Vec<Run> = runs
            .split(';')
            .map(parse_one_run)
            .collect::<Result<_, _>>()
            .map_err(fail)?;
        if runs.is_empty() || runs.len() > MAX_RUNS {
            return Err(fail(format!("a task has 1 to {MAX_RUNS} runs")));
        }
        run.behaviours[index] = Behaviour {
            runs,
            leader: *leader == "1",
            kill_timeout_ms: number(kill_timeout, "kill timeout").map_err(fail)?,
            stop_ms: number(stop, "stop time").map_err(fail)?,
            restart: if policy.is_empty() {
                None
            } else {
                Some(parse_policy(policy).map_err(fail)?)
            },
        };
    }
    if run.seed.is_none() {
        return Err(syntax("run-mode entries without `~run`".into()));
    }
    Ok(run)
}

/// A report as a link entry: `~r=<call><by><states>,<cause>`, where `call`
/// is `u` (update), `o` (restore) or `x` (restart), `by` is `a` when it
/// applied what Nomad would do and `y` otherwise, each task's state is one
/// letter (`p`, `r`, `d`, `f` for dead and failed, `P`/`R` for pending or
/// running and failed) and the cause is percent-encoded.
fn report_token(report: &Report) -> String {
    let call = match report.call {
        Call::Update => 'u',
        Call::Restore => 'o',
        Call::Restart => 'x',
    };
    let by = if report.applied { 'a' } else { 'y' };
    let states: String = report
        .states
        .iter()
        .map(|s| match (s.state, s.failed) {
            (Status::Pending, false) => 'p',
            (Status::Pending, true) => 'P',
            (Status::Running, false) => 'r',
            (Status::Running, true) => 'R',
            (Status::Dead, false) => 'd',
            (Status::Dead, true) => 'f',
        })
        .collect();
    let cause = utf8_percent_encode(&report.cause, NAME_ESCAPES);
    format!("~r={call}{by}{states},{cause}")
}

/// Reads `~h=<at>` and the `~r=` entries in order: each report names a state
/// for every task, and `at` is at most their number.
fn parse_history(tasks: usize, entries: &[(usize, &str)]) -> Result<History, Error> {
    let mut history = History::default();
    let mut at = None;
    for &(i, entry) in entries {
        let fail = |why: &str| {
            let shown: String = entry.chars().take(40).collect();
            syntax(format!("entry {} `{shown}`: {why}", i + 1))
        };
        if let Some(n) = entry.strip_prefix("~h=") {
            at = Some(
                n.parse::<usize>()
                    .map_err(|_| fail("expected ~h=<reports heard>"))?,
            );
            continue;
        }
        let body = entry.strip_prefix("~r=").unwrap_or_default();
        let (head, cause) = body
            .split_once(',')
            .ok_or_else(|| fail("expected ~r=<report>,<cause>"))?;
        let mut chars = head.chars();
        let call = match chars.next() {
            Some('u') => Call::Update,
            Some('o') => Call::Restore,
            Some('x') => Call::Restart,
            _ => return Err(fail("a report starts with u, o or x")),
        };
        let applied = match chars.next() {
            Some('a') => true,
            Some('y') => false,
            _ => return Err(fail("a report's second letter is a or y")),
        };
        let states = chars
            .map(|c| match c {
                'p' => Ok(TaskState::pending()),
                'P' => Ok(TaskState::new(Status::Pending, true)),
                'r' => Ok(TaskState::running()),
                'R' => Ok(TaskState::new(Status::Running, true)),
                'd' => Ok(TaskState::dead()),
                'f' => Ok(TaskState::failed()),
                _ => Err(fail("a task's state is one of p, P, r, R, d, f")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if states.len() != tasks {
            return Err(fail(&format!(
                "a report names {} states for {tasks} tasks",
                states.len()
            )));
        }
        let cause = percent_decode_str(cause)
            .decode_utf8()
            .map_err(|_| fail("the cause is not valid UTF-8"))?
            .into_owned();
        history.reports.push(Report {
            call,
            applied,
            cause,
            states,
        });
    }
    history.at = at.ok_or_else(|| syntax("reports without `~h`".into()))?;
    if history.at > history.reports.len() {
        return Err(syntax(format!(
            "`~h={}`: the history has {} reports",
            history.at,
            history.reports.len()
        )));
    }
    Ok(history)
}

fn syntax(why: String) -> Error {
    Error::syntax("share link", format!("share link: {why}"))
}

/// Characters escaped in a task name: separators of the hash format, `%`,
/// `~` (which starts run-mode entries), whitespace and controls.
const NAME_ESCAPES: &AsciiSet = &CONTROLS
    .add(b'~')
    .add(b' ')
    .add(b'%')
    .add(b'&')
    .add(b'=')
    .add(b',')
    .add(b'#')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`');

fn parse_entry(entry: &str) -> Result<(String, (Stage, TaskState)), String> {
    let (name, rest) = entry.split_once('=').ok_or("expected name=stage,state")?;
    let name = percent_decode_str(name)
        .decode_utf8()
        .map_err(|_| "the name is not valid UTF-8".to_owned())?
        .into_owned();
    let (stage, state) = rest.split_once(',').ok_or("expected name=stage,state")?;
    let stage: Stage = stage.parse().map_err(|e: Error| e.to_string())?;
    let state = parse_state_token(state)?;
    Ok((name, (stage, state)))
}

/// `pending`, `running`, `dead`, `failed` (dead and failed), or
/// `pending+failed` / `running+failed` for the rarer reports.
pub fn state_token(state: TaskState) -> String {
    match (state.state, state.failed) {
        (Status::Pending | Status::Running, true) => format!("{}+failed", state.state),
        _ => state.label().to_owned(),
    }
}

/// Reads what [`state_token`] writes.
pub fn parse_state_token(token: &str) -> Result<TaskState, String> {
    if token == "failed" {
        return Ok(TaskState::failed());
    }
    let (status, failed) = match token.strip_suffix("+failed") {
        Some(status) => (status, true),
        None => (token, false),
    };
    let status: Status = status.parse().map_err(|e: Error| e.to_string())?;
    Ok(TaskState::new(status, failed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::scenario::default_preset;
    use crate::tools::sim::restarts::RestartMode;

    #[test]
    fn hash_round_trips() {
        let mut scenario = default_preset().scenario();
        scenario.states[0] = TaskState::failed();
        scenario.states[1] = TaskState::running();
        scenario.states[2] = TaskState::new(Status::Running, true);
        scenario.tasks[3].name = "api & co, 100% = ünïcode #1 <b>".into();
        let hash = scenario.to_hash();
        assert!(hash.starts_with("init=prestart-ephemeral,failed&proxy=prestart-sidecar,running&"));
        assert!(!hash.contains(' ') && !hash.contains('<'), "{hash}");
        assert_eq!(Scenario::from_hash(&format!("#{hash}")).unwrap(), scenario);
    }

    #[test]
    fn a_history_round_trips_and_bad_ones_are_named() {
        let mut scenario =
            Scenario::pending([("init", Stage::PrestartEphemeral), ("web", Stage::Main)]);
        scenario.history = History {
            reports: vec![
                Report {
                    call: Call::Update,
                    applied: false,
                    cause: "init → running & co, 100%".into(),
                    states: vec![TaskState::running(), TaskState::pending()],
                },
                Report {
                    call: Call::Restart,
                    applied: false,
                    cause: "alloc restart".into(),
                    states: vec![TaskState::new(Status::Running, true), TaskState::failed()],
                },
                Report {
                    call: Call::Restore,
                    applied: true,
                    cause: String::new(),
                    states: vec![TaskState::dead(), TaskState::new(Status::Pending, true)],
                },
            ],
            at: 2,
        };
        let hash = scenario.to_hash();
        assert!(hash.ends_with("&~h=2&~r=uyrp,init%20%E2%86%92%20running%20%26%20co%2C%20100%25&~r=xyRf,alloc%20restart&~r=oadP,"), "{hash}");
        assert_eq!(Scenario::from_hash(&hash).unwrap(), scenario);
        let base = "init=prestart-ephemeral,pending&web=main,pending";
        let cases = [
            ("~r=uyrp,x", "reports without `~h`"),
            ("~h=2&~r=uyrp,x", "`~h=2`: the history has 1 reports"),
            ("~h=one", "expected ~h=<reports heard>"),
            ("~h=0&~r=uyr,x", "a report names 1 states for 2 tasks"),
            ("~h=0&~r=qyrp,x", "starts with u, o or x"),
            ("~h=0&~r=uzrp,x", "second letter is a or y"),
            ("~h=0&~r=uyrz,x", "one of p, P, r, R, d, f"),
            ("~h=0&~r=uyrp", "expected ~r=<report>,<cause>"),
            ("~h=0&~r=uyrp,%FF", "not valid UTF-8"),
        ];
        for (tail, want) in cases {
            let err = Scenario::from_hash(&format!("{base}&{tail}"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{tail}: {err}");
        }
    }

    #[test]
    fn bad_hashes_are_refused_with_the_entry_named() {
        let cases = [
            ("", "names no task"),
            ("#web", "entry 1 `web`: expected name=stage,state"),
            ("web=main", "expected name=stage,state"),
            (
                "web=main,running&db=sideways,dead",
                "entry 2 `db=sideways,dead`: unknown stage `sideways`",
            ),
            ("web=main,asleep", "unknown task state `asleep`"),
            (
                "web=main,running&web=main,dead",
                "duplicate task name `web`",
            ),
            ("=main,running", "empty name"),
            ("%FF%FE=main,running", "not valid UTF-8"),
            (
                "<script>alert(1)</script>=main,running,",
                "unknown task state `running,`",
            ),
        ];
        for (hash, want) in cases {
            let err = Scenario::from_hash(hash).unwrap_err().to_string();
            assert!(err.starts_with("share link: "), "{err}");
            assert!(err.contains(want), "{hash}: {err}");
        }
        let long = "a".repeat(MAX_LINK_LEN + 1);
        assert!(Scenario::from_hash(&long)
            .unwrap_err()
            .to_string()
            .contains("too long"));
        let many: Vec<String> = (0..=MAX_PLAYGROUND_TASKS)
            .map(|i| format!("t{i}=main,pending"))
            .collect();
        assert!(Scenario::from_hash(&many.join("&"))
            .unwrap_err()
            .to_string()
            .contains("more than 64 tasks"));
    }

    #[test]
    fn run_mode_round_trips_and_old_links_still_open() {
        use crate::tools::scenario::Preset;
        // A preset's scene about time: job type, seed and scripts survive.
        let mut scenario = Preset::find("flaky-init").unwrap().scenario();
        let run = scenario.run.as_mut().unwrap();
        run.seed = Some(42);
        run.restart = Some(RestartPolicy {
            attempts: 4,
            interval: 60_000 * MS,
            delay: 2_000 * MS,
            mode: RestartMode::Delay,
        });
        run.behaviours[1].leader = true;
        run.behaviours[1].kill_timeout_ms = 9_000;
        run.behaviours[1].runs.push(Run {
            start_ms: 1,
            run_ms: Some(2),
            exit: Exit::StartError { recoverable: false },
        });
        run.behaviours[1].restart = Some(RestartPolicy {
            attempts: 0,
            interval: 0,
            delay: 0,
            mode: RestartMode::Fail,
        });
        scenario.tasks[1].name = "~run".into(); // escaped, so it cannot pass for a run entry
        let hash = scenario.to_hash();
        assert!(
            hash.contains("&~run=service,42,4,60000,2000,delay"),
            "{hash}"
        );
        assert!(
            hash.starts_with("migrate=prestart-ephemeral,pending&%7Erun=main,pending&"),
            "{hash}"
        );
        assert_eq!(Scenario::from_hash(&hash).unwrap(), scenario);
        // A link without run entries (as every older link) opens with none.
        let old = "init=prestart-ephemeral,dead&web=main,running";
        assert_eq!(Scenario::from_hash(old).unwrap().run, None);
    }

    #[test]
    fn bad_run_entries_are_refused_with_the_entry_named() {
        let cases = [
            (
                "web=main,pending&~run=cron,1",
                "entry 2 `~run=cron,1`: job type `cron`",
            ),
            ("web=main,pending&~run=batch", "no seed"),
            (
                "web=main,pending&~run=batch,1&~t.5=0,5000,0,0:1:0",
                "entry 3 `~t.5=0,5000,0,0:1:0`: no task #5",
            ),
            (
                "web=main,pending&~run=batch,1&~t.0=0,5000,0,0:1",
                "run `0:1` is not start:run:exit",
            ),
            (
                "web=main,pending&~run=batch,1&~t.0=0,5000,0,0:1:x",
                "exit code `x` is not a whole number",
            ),
            (
                "web=main,pending&~run=batch,1,1,2,3,panic",
                "restart mode `panic`",
            ),
            (
                "web=main,pending&~t.0=0,5000,0,0:1:0",
                "run-mode entries without `~run`",
            ),
            (
                "web=main,pending&~run=batch,1,99999999999999999999,1,1,fail",
                "attempts",
            ),
        ];
        for (hash, want) in cases {
            let err = Scenario::from_hash(hash).unwrap_err().to_string();
            assert!(
                err.starts_with("share link: ") && err.contains(want),
                "{hash}: {err}"
            );
        }
    }
}
