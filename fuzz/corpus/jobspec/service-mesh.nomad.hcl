# A service behind a Consul Connect-style proxy, with a database migration
# that must succeed before the web task starts.
variable "image" {
  type    = string
  default = "example/web:1.4"
}

job "web" {
  datacenters = ["dc1"]
  type        = "service"

  group "web" {
    count = 2

    network {
      mode = "bridge"
      port "http" { to = 8080 }
    }

    task "migrate" {
      driver = "docker"
      config {
        image   = "example/web:1.4"
        command = "migrate"
      }
      lifecycle {
        hook    = "prestart"
        sidecar = false
      }
    }

    task "connect-proxy" {
      driver = "docker"
      config { image = "envoyproxy/envoy:v1.29" }
      lifecycle {
        hook    = "prestart"
        sidecar = true
      }
    }

    task "web" {
      driver = "docker"
      leader = true
      config {
        image = "example/web:1.4"
        ports = ["http"]
      }
      resources {
        cpu    = 500
        memory = 256
      }
    }
  }
}
