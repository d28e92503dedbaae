# A batch job: a report, a notification once it has started, and an upload
# after everything else has finished.
job "nightly-report" {
  type = "batch"

  periodic {
    crons = ["0 3 * * *"]
  }

  group "report" {
    restart {
      attempts = 0
      mode     = "fail"
    }

    task "report" {
      driver = "exec"
      config {
        command = "/usr/local/bin/report"
      }
    }

    task "notify" {
      driver = "exec"
      lifecycle {
        hook = "poststart"
      }
      config {
        command = "/usr/local/bin/notify"
        args    = ["report started"]
      }
    }

    task "upload-results" {
      driver = "exec"
      lifecycle {
        hook = "poststop"
      }
      config {
        command = "/usr/local/bin/upload"
      }
    }
  }
}
