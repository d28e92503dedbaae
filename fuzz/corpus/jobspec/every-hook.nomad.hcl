# Every lifecycle hook in one group, a second group, and constructs the
# importer skips with a note.
locals {
  region = "eu"
}

job "every-hook" {
  group "app" {
    task "init" {
      driver = "docker"
      lifecycle { hook = "prestart" }
    }
    task "proxy" {
      driver = "docker"
      lifecycle {
        hook    = "prestart"
        sidecar = true
      }
    }
    task "app" {
      driver = "docker"
      leader = true
    }
    task "warm-up" {
      driver = "docker"
      lifecycle { hook = "poststart" }
    }
    task "log-shipper" {
      driver = "docker"
      lifecycle {
        hook    = "poststart"
        sidecar = true
      }
    }
    task "cleanup" {
      driver = "docker"
      lifecycle { hook = "poststop" }
    }

    dynamic "task" {
      for_each = ["a", "b"]
      labels   = ["extra-${task.value}"]
      content {
        driver = "docker"
      }
    }
  }

  group "cache" {
    task "redis" {
      driver = "docker"
    }
  }
}
