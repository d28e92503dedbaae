# A hook given by an expression: Nomad evaluates it, the importer cannot.
locals {
  hook = "prestart"
}

job "templated" {
  group "app" {
    task "init" {
      driver = "docker"
      lifecycle {
        hook = local.hook
      }
    }
    task "app" {
      driver = "docker"
    }
  }
}
