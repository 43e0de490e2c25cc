"""Generated inputs for the static benchmarks: SES configs and a monorepo of Kubernetes manifests."""
from __future__ import annotations

from pathlib import Path

CONFIG = """version: "1.0"
providers:
  email-ses-{n}:
    name: AWS SES Email {n}
    description: Amazon SES email provider
    provider: email
    enabled: true
    config:
      platform: ses
      from: noreply{n}@mycompany{n}.io
      region: eu-west-1
      profile: production
workflows:
  - name: access-notification-{n}
    steps:
      - task: notify
        type: email
        config:
          provider: email-ses-{n}
          subject: "Access Granted"
          to:
            - user{n}@mycompany{n}.io
          body:
            text: "Your access request has been approved."
"""

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: service-{n}
  namespace: team-{team}
  labels:
    app.kubernetes.io/name: service-{n}
    app.kubernetes.io/part-of: platform
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: service-{n}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: service-{n}
    spec:
      containers:
{containers}"""

CONTAINER = """        - name: app-{i}
          image: registry.example.com/team/service-{n}:1.{i}.0
          ports:
            - containerPort: {port}
          env:
            - name: LOG_LEVEL
              value: info
            - name: PROVIDERS_URL
              value: "http://providers.internal:8080"
          resources:
            limits: {{cpu: 500m, memory: 256Mi}}
"""


def config(n: int) -> str:
    """One SES provider config with a workflow whose notify step uses it (the benchmarks' template)."""
    return CONFIG.format(n=n)


def manifest(n: int, containers: int = 1) -> str:
    """A Kubernetes Deployment: about 1 KB with one container, about 21 KB with 60."""
    body = "".join(CONTAINER.format(n=n, i=i, port=8000 + i) for i in range(containers))
    return MANIFEST.format(n=n, team=n % 20, containers=body)


def write_configs(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"config{n:05d}.yaml").write_text(config(n))
    return folder


def write_monorepo(folder: Path, manifests: int, containers: int, configs: int = 5) -> Path:
    """`manifests` Kubernetes manifests spread over team folders, and `configs` SES configs among them."""
    for n in range(manifests):
        team = folder / f"team-{n % 20:02d}" / "k8s"
        team.mkdir(parents=True, exist_ok=True)
        (team / f"service-{n:05d}.yaml").write_text(manifest(n, containers))
    write_configs(folder / "notifications", configs)
    return folder
