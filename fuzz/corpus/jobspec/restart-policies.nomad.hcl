# A batch job whose group and tasks set restart policies and kill timeouts.
job "nightly" {
  name = "nightly-report"
  type = "batch"

  group "report" {
    max_run_duration = "2h"

    restart {
      attempts = 1
      delay    = "5s"
    }

    task "fetch" {
      driver = "docker"
      lifecycle {
        hook = "prestart"
      }
      restart {
        attempts = 5
        interval = "1h30m"
        mode     = "delay"
      }
    }

    task "report" {
      driver       = "docker"
      leader       = true
      kill_timeout = "45s"
    }
  }
}
