"""The GitHub Actions workflows, checked the way a maintainer relies on them.

Three layers: the GitHub workflow schema (check-jsonschema's vendored copy, offline), a small
cross-reference check of the `${{ }}` expressions the schema cannot see, and the properties the
daily job promises (schedule, least privilege, the good listings deployed whatever the fetch
met, a red run after the deploy when it met problems, caches). The fetch and commit steps'
shell scripts are run for real against a fake fetcher and a throwaway git remote in tmp_path.
"""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hf_fake_server import FakeHF

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / ".github" / "workflows"
DAILY = WORKFLOWS / "daily.yml"
TESTS = WORKFLOWS / "tests.yml"
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
PINNED_ACTION = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")


def load_workflow(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the bare key `on` as the boolean True.
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def steps_using(job: dict, action: str) -> list[dict]:
    return [step for step in job["steps"] if step.get("uses", "").split("@")[0] == action]


def step_running(job: dict, text: str) -> dict:
    matches = [step for step in job["steps"] if text in step.get("run", "")]
    assert len(matches) == 1, f"expected one step running {text!r}, found {len(matches)}"
    return matches[0]


def strings_in(value) -> list[str]:
    """Every string value in a parsed YAML tree."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def reference_errors(workflow: dict) -> list[str]:
    """What actionlint would say about dangling names in expressions: jobs, steps, outputs."""
    errors = []
    jobs = workflow["jobs"]
    dispatch = (workflow["on"] or {}).get("workflow_dispatch") or {}
    inputs = set(dispatch.get("inputs") or {})
    for name, job in jobs.items():
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        errors += [f"{name}: needs unknown job {n}" for n in needs if n not in jobs]
        step_ids = {step["id"] for step in job.get("steps", []) if "id" in step}
        expressions = [e for text in strings_in(job) for e in EXPRESSION.findall(text)]
        for expression in expressions:
            for step_id in re.findall(r"\bsteps\.([\w-]+)", expression):
                if step_id not in step_ids:
                    errors.append(f"{name}: unknown step {step_id}")
            for job_name, output in re.findall(r"\bneeds\.([\w-]+)\.outputs\.([\w-]+)", expression):
                if job_name not in needs:
                    errors.append(f"{name}: reads needs.{job_name} without needing it")
                elif output not in (jobs[job_name].get("outputs") or {}):
                    errors.append(f"{name}: {job_name} has no output {output}")
            for input_name in re.findall(r"\binputs\.([\w-]+)", expression):
                if input_name not in inputs:
                    errors.append(f"{name}: unknown input {input_name}")
    return errors


def check_schema(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema",
         "vendor.github-workflows", *map(str, paths)],
        capture_output=True, text=True, check=False,
    )


@pytest.fixture(scope="module")
def daily() -> dict:
    return load_workflow(DAILY)


@pytest.fixture(scope="module")
def tests_workflow() -> dict:
    return load_workflow(TESTS)


# --- schema and references -------------------------------------------------------------------

def test_every_workflow_matches_the_github_workflow_schema():
    paths = sorted(WORKFLOWS.glob("*.yml"))
    assert {p.name for p in paths} >= {"daily.yml", "tests.yml"}
    result = check_schema(*paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    steps:\n      - run: make\n"
                      "    permisions: {contents: read}\n")
    result = check_schema(broken)
    assert result.returncode == 1
    assert "runs-on" in result.stdout + result.stderr


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_expressions_name_only_jobs_steps_outputs_and_inputs_that_exist(path):
    assert reference_errors(load_workflow(path)) == []


def test_the_reference_check_finds_dangling_names():
    workflow = {
        "on": {"workflow_dispatch": {"inputs": {"since": {}}}},
        "jobs": {
            "a": {"outputs": {"sha": "x"}, "steps": [{"id": "one", "run": "true"}]},
            "b": {"needs": ["a", "c"], "steps": [{"run": "echo ${{ steps.two.outputs.x }} "
                  "${{ needs.a.outputs.shaa }} ${{ inputs.until }}"}]},
        },
    }
    assert sorted(reference_errors(workflow)) == [
        "b: a has no output shaa", "b: needs unknown job c", "b: unknown input until",
        "b: unknown step two",
    ]


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_actions_are_pinned_to_a_major_version_or_a_commit(path):
    uses = [step["uses"] for job in load_workflow(path)["jobs"].values()
            for step in job.get("steps", []) if "uses" in step]
    assert uses
    assert [u for u in uses if not PINNED_ACTION.match(u)] == []


# --- the daily job ---------------------------------------------------------------------------

def test_daily_runs_on_a_schedule_and_on_demand_with_a_backfill_range(daily):
    crons = [entry["cron"] for entry in daily["on"]["schedule"]]
    assert len(crons) == 1
    minute, hour, *every = crons[0].split()
    assert every == ["*", "*", "*"], "once a day"
    assert 0 <= int(minute) < 60 and 0 <= int(hour) < 24
    inputs = daily["on"]["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"since", "until"}
    assert not any(spec.get("required") for spec in inputs.values())


def test_permissions_are_read_only_unless_a_job_needs_more(daily):
    assert daily["permissions"] == {"contents": "read"}
    jobs = daily["jobs"]
    writers = {name for name, job in jobs.items()
               if "write" in (job.get("permissions") or {}).values()}
    assert writers == {"update", "deploy"}
    assert jobs["update"]["permissions"] == {"contents": "write"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "write" not in jobs["build"]["permissions"].values()
    # Only the job that pushes keeps the token in .git/config after checkout.
    for name, job in jobs.items():
        for checkout in steps_using(job, "actions/checkout"):
            persisted = (checkout.get("with") or {}).get("persist-credentials", True)
            assert persisted is (name == "update"), name


def test_nothing_is_built_or_deployed_unless_the_previous_job_succeeded(daily):
    jobs = daily["jobs"]
    assert jobs["build"]["needs"] == "update"
    assert jobs["deploy"]["needs"] == ["update", "build"]
    # An `if:` (always(), failure() ...) would let a job run after its dependency failed.
    assert [name for name, job in jobs.items() if "if" in job] == []
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert steps_using(jobs["deploy"], "actions/deploy-pages")
    assert steps_using(jobs["build"], "actions/upload-pages-artifact")


def test_runs_queue_instead_of_cancelling_a_deploy(daily):
    concurrency = daily["concurrency"]
    assert concurrency["group"].strip()
    assert concurrency["cancel-in-progress"] is False


def test_fetch_is_strict_and_re_fetches_two_weeks(daily):
    fetch = step_running(daily["jobs"]["update"], "archive.py fetch")
    assert "--strict" in fetch["run"]
    assert '--recent "${RECENT_DAYS}"' in fetch["run"]
    assert int(daily["env"]["RECENT_DAYS"]) >= 14
    validate = step_running(daily["jobs"]["update"], "archive.py validate")
    steps = daily["jobs"]["update"]["steps"]
    commit = step_running(daily["jobs"]["update"], "git push")
    assert steps.index(fetch) < steps.index(validate) < steps.index(commit)


def test_pip_and_pelican_caches_are_restored(daily):
    for name in ("update", "build"):
        (setup,) = steps_using(daily["jobs"][name], "actions/setup-python")
        assert setup["with"]["cache"] == "pip"
        assert setup["with"]["cache-dependency-path"] == "requirements/constraints.txt"
        assert str(setup["with"]["python-version"]) in ("3.11", "${{ env.PYTHON_VERSION }}")
    assert daily["env"]["PYTHON_VERSION"] == "3.11"
    (cache,) = steps_using(daily["jobs"]["build"], "actions/cache")
    settings = runpy.run_path(str(REPO / "pelicanconf.py"))
    # The incremental build's state, saved and restored together: Pelican's cache (with
    # archive_writer's manifest), the output it describes, and the rendered articles.
    paths = {REPO / line.strip() for line in cache["with"]["path"].splitlines() if line.strip()}
    assert paths == {Path(settings["CACHE_PATH"]), Path(settings["OUTPUT_PATH"]),
                     Path(settings["PATH"]) / "papers"}
    # A key unique to the run saves the cache every time; restore-keys finds the latest one.
    assert "github.run_id" in cache["with"]["key"]
    prefix = cache["with"]["restore-keys"].strip()
    assert cache["with"]["key"].startswith(prefix)
    # Whatever changes what a reader returns must start a fresh cache, never reuse a stale one.
    for source in ("pelicanconf.py", "publishconf.py", "plugins/**", "paperarchive/**",
                   "theme/**", "requirements/constraints.txt"):
        assert f"'{source}'" in prefix, source


def test_the_fetch_reads_the_listing_index_the_last_build_saved(daily):
    update, build = daily["jobs"]["update"], daily["jobs"]["build"]
    (restore,) = steps_using(update, "actions/cache/restore")
    (save,) = steps_using(build, "actions/cache/save")
    fetch = step_running(update, "archive.py fetch")
    publish = step_running(build, "make publish")
    index = "cache/render/listings.json"
    # `make render` keeps the index beside its topic cache; the fetch is told where it is.
    assert "--topic-cache cache/render/topics.json" in (REPO / "Makefile").read_text()
    assert restore["with"]["path"] == save["with"]["path"] == index
    assert f"--listing-cache {index}" in fetch["run"]
    assert update["steps"].index(restore) < update["steps"].index(fetch)
    assert build["steps"].index(publish) < build["steps"].index(save)
    # Saved under a new key every run; the fetch restores the newest by prefix.
    assert "github.run_id" in save["with"]["key"]
    prefix = restore["with"]["restore-keys"].strip()
    assert save["with"]["key"].startswith(prefix)


def test_the_build_uses_publishconf_with_the_pages_url(daily):
    build = daily["jobs"]["build"]
    (pages,) = steps_using(build, "actions/configure-pages")
    publish = step_running(build, "make publish")
    assert publish["env"]["SITEURL"] == f"${{{{ steps.{pages['id']}.outputs.base_url }}}}"
    steps = build["steps"]
    (upload,) = steps_using(build, "actions/upload-pages-artifact")
    assert steps.index(publish) < steps.index(upload)
    assert upload["with"]["path"].rstrip("/") == "output"
    (checkout,) = steps_using(build, "actions/checkout")
    assert checkout["with"]["ref"] == "${{ needs.update.outputs.sha }}"


# --- the fetch step's script, run against a fake fetcher -------------------------------------

FAKE_PYTHON = """#!/bin/sh
printf '%s\\n' "$@" > "$ARGS_FILE"
exit "$FAKE_STATUS"
"""


def run_fetch_step(daily: dict, tmp_path: Path, status: int, since: str = "", until: str = ""):
    fetch = step_running(daily["jobs"]["update"], "archive.py fetch")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    env = {"PATH": os.environ["PATH"], "FAKE_STATUS": str(status),
           "ARGS_FILE": str(tmp_path / "args"), "SINCE": since, "UNTIL": until,
           "RECENT_DAYS": daily["env"]["RECENT_DAYS"], "GITHUB_OUTPUT": str(tmp_path / "out")}
    # GitHub runs `run:` blocks with `bash -e {0}`.
    result = subprocess.run(["bash", "-e", "-c", fetch["run"]], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=False)
    return result, (tmp_path / "args").read_text().split("\n")[:-1]


def test_the_daily_fetch_re_fetches_the_recent_days_strictly(daily, tmp_path):
    result, args = run_fetch_step(daily, tmp_path, status=0)
    assert result.returncode == 0, result.stderr
    assert args == ["scripts/archive.py", "fetch", "--recent", "14", "--strict", "--allow-empty",
                    "--listing-cache", "cache/render/listings.json"]
    assert "::error" not in result.stdout


def test_a_backfill_fetches_the_given_range(daily, tmp_path):
    result, args = run_fetch_step(daily, tmp_path, 0, since="2025-09-01", until="2025-09-30")
    assert result.returncode == 0, result.stderr
    assert args == ["scripts/archive.py", "fetch", "--since", "2025-09-01", "--until",
                    "2025-09-30", "--strict", "--allow-empty",
                    "--listing-cache", "cache/render/listings.json"]


def test_a_backfill_of_one_day_needs_only_since(daily, tmp_path):
    _, args = run_fetch_step(daily, tmp_path, 0, since="2025-09-30")
    assert args[2:6] == ["--since", "2025-09-30", "--until", "2025-09-30"]


def test_backfill_dates_are_passed_as_data_not_code(daily, tmp_path):
    _, args = run_fetch_step(daily, tmp_path, 0, since="$(touch pwned)", until="x; touch pwned")
    assert args[3] == "$(touch pwned)" and args[5] == "x; touch pwned"
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(("status", "title"), [(3, "Some days look wrong"),
                                               (1, "Fetch failed"), (4, "Fetch failed")])
def test_a_day_that_looks_wrong_or_a_failed_fetch_is_annotated_and_the_job_goes_on(
        daily, tmp_path, status, title):
    result, _ = run_fetch_step(daily, tmp_path, status=status)
    assert result.returncode == 0  # validate, commit, build and deploy what is good
    assert f"::error title={title}::" in result.stdout
    assert (tmp_path / "out").read_text() == f"status={status}\n"


def test_invalid_backfill_dates_stop_the_job(daily, tmp_path):
    result, _ = run_fetch_step(daily, tmp_path, status=2)
    assert result.returncode == 2
    assert "::error title=Invalid backfill dates::" in result.stdout


@pytest.mark.parametrize(("status", "exit_code"), [("0", 0), ("", 0), ("1", 1), ("3", 1)])
def test_the_run_ends_red_after_the_deploy_when_the_fetch_had_problems(daily, status,
                                                                       exit_code):
    deploy = daily["jobs"]["deploy"]
    (report,) = [step for step in deploy["steps"] if "FETCH_STATUS" in step.get("run", "")]
    assert deploy["steps"].index(report) > deploy["steps"].index(
        steps_using(deploy, "actions/deploy-pages")[0])
    assert report["env"]["FETCH_STATUS"] == "${{ needs.update.outputs.fetch-status }}"
    result = subprocess.run(["bash", "-e", "-c", report["run"]], capture_output=True,
                            text=True, env={"PATH": os.environ["PATH"], "FETCH_STATUS": status},
                            check=False)
    assert result.returncode == exit_code
    assert ("::error title=Fetch had problems::" in result.stdout) == bool(exit_code)


# --- the fetch step with the real command line against a local fake of the HF API ----------

def run_real_fetch_step(daily: dict, tmp_path: Path, api_url: str, since: str, until: str):
    """The step as CI runs it, in a checkout-like tmp_path whose scripts/ is the real one."""
    fetch = step_running(daily["jobs"]["update"], "archive.py fetch")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "archive.py").symlink_to(REPO / "scripts" / "archive.py")
    env = {"PATH": os.environ["PATH"], "HF_API_URL": api_url, "SINCE": since, "UNTIL": until,
           "RECENT_DAYS": daily["env"]["RECENT_DAYS"]}
    return subprocess.run(["bash", "-e", "-c", fetch["run"]], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=False)


def test_a_backfill_over_an_empty_day_writes_the_listings(daily, tmp_path):
    with FakeHF() as fake:
        fake.add_recorded_day("2026-06-03")
        result = run_real_fetch_step(daily, tmp_path, fake.url, "2026-06-02", "2026-06-03")
    assert result.returncode == 0, result.stderr
    written = sorted(p.relative_to(tmp_path).as_posix()
                     for p in (tmp_path / "content" / "listings").rglob("*.yaml"))
    assert written == ["content/listings/2026/2026-06-03.yaml"]


def test_a_fetch_where_every_day_is_empty_is_reported(daily, tmp_path):
    with FakeHF() as fake:
        result = run_real_fetch_step(daily, tmp_path, fake.url, "2026-05-30", "2026-05-31")
    assert result.returncode == 0
    assert "::error title=Some days look wrong::" in result.stdout
    assert "came back empty" in result.stderr


def test_an_api_that_keeps_failing_writes_nothing_after_retries(daily, tmp_path):
    with FakeHF() as fake:
        fake.add_recorded_day("2026-06-03")
        fake.failures = [(503, {"Retry-After": "0"})] * 10
        result = run_real_fetch_step(daily, tmp_path, fake.url, "2026-06-03", "")
        attempts = len(fake.requests)
    assert result.returncode == 0
    assert "::error title=Fetch failed::No day could be fetched (exit 1)" in result.stdout
    assert attempts > 1, "the fetch retries before giving up"
    assert not (tmp_path / "content").exists()


def test_backfill_dates_the_command_line_refuses_stop_the_run(daily, tmp_path):
    result = run_real_fetch_step(daily, tmp_path, "http://127.0.0.1:9/unused", "2025-13-01", "")
    assert result.returncode == 2
    assert "::error title=Invalid backfill dates::" in result.stdout


# --- the commit step's script, run against a throwaway remote --------------------------------

def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def clone(tmp_path):
    """A shallow clone, as actions/checkout makes, of an `origin` with a listing on main."""
    origin, seed = tmp_path / "origin.git", tmp_path / "seed"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    git(tmp_path, "clone", "--quiet", str(origin), str(seed))
    listing = seed / "content" / "listings" / "2025" / "2025-09-30.yaml"
    listing.parent.mkdir(parents=True)
    for text in ("date: 2025-09-30\npapers: []\n", "date: 2025-09-30\npapers: [] # v2\n"):
        listing.write_text(text)
        (seed / "README.md").write_text("readme\n")
        git(seed, "add", ".")
        git(seed, "commit", "--quiet", "-m", "listing")
    git(seed, "push", "--quiet", "origin", "HEAD:main")
    work = tmp_path / "work"
    git(tmp_path, "clone", "--quiet", "--depth=1", f"file://{origin}", str(work))
    return work


def run_commit_step(daily: dict, work: Path) -> tuple[subprocess.CompletedProcess, str]:
    commit = step_running(daily["jobs"]["update"], "git push")
    output = work.parent / "github_output"
    output.write_text("")
    # No git identity is configured on a runner: the step must bring its own.
    env = {"PATH": os.environ["PATH"], "GITHUB_OUTPUT": str(output), "GITHUB_REF_NAME": "main",
           "GITHUB_RUN_NUMBER": "7", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "HOME": str(work.parent), **commit.get("env", {})}
    result = subprocess.run(["bash", "-e", "-c", commit["run"]], cwd=work, env=env,
                            capture_output=True, text=True, check=False)
    return result, output.read_text()


def test_changed_listings_are_committed_and_pushed_alone(daily, clone):
    (clone / "content" / "listings" / "2025" / "2025-09-30.yaml").write_text("changed\n")
    (clone / "content" / "listings" / "2025" / "2025-10-01.yaml").write_text("new\n")
    (clone / "README.md").write_text("edited by the build\n")
    (clone / "stray.txt").write_text("not ours\n")
    result, output = run_commit_step(daily, clone)
    assert result.returncode == 0, result.stderr
    head = git(clone, "rev-parse", "HEAD")
    assert output == f"sha={head}\n"
    assert git(clone, "ls-remote", "origin", "refs/heads/main").split()[0] == head
    changed = git(clone, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert sorted(changed) == ["content/listings/2025/2025-09-30.yaml",
                               "content/listings/2025/2025-10-01.yaml"]
    assert git(clone, "log", "-1", "--format=%an <%ae>") == (
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>")


def test_listings_pushed_meanwhile_are_kept_and_ours_replayed_on_top(daily, clone, tmp_path):
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(tmp_path / "origin.git"), str(other))
    (other / "content" / "listings" / "2025" / "2025-09-29.yaml").write_text("by hand\n")
    git(other, "add", ".")
    git(other, "commit", "--quiet", "-m", "hand edit")
    git(other, "push", "--quiet", "origin", "HEAD:main")
    (clone / "content" / "listings" / "2025" / "2025-09-30.yaml").write_text("fetched\n")
    result, _ = run_commit_step(daily, clone)
    assert result.returncode == 0, result.stderr
    remote = git(clone, "ls-remote", "origin", "refs/heads/main").split()[0]
    assert remote == git(clone, "rev-parse", "HEAD")
    assert git(clone, "show", f"{remote}:content/listings/2025/2025-09-29.yaml") == "by hand"
    assert git(clone, "show", f"{remote}:content/listings/2025/2025-09-30.yaml") == "fetched"


def test_no_commit_when_no_listing_changed(daily, clone):
    before = git(clone, "rev-parse", "HEAD")
    (clone / "README.md").write_text("edited by the build\n")
    result, output = run_commit_step(daily, clone)
    assert result.returncode == 0, result.stderr
    assert "No listing changed" in result.stdout
    assert git(clone, "rev-parse", "HEAD") == before
    assert output == f"sha={before}\n"


# --- the test workflow -----------------------------------------------------------------------

def test_tests_run_on_pushes_and_pull_requests_with_debian_chromium(tests_workflow):
    assert {"push", "pull_request"} <= set(tests_workflow["on"])
    assert tests_workflow["permissions"] == {"contents": "read"}
    (job,) = tests_workflow["jobs"].values()
    install = step_running(job, "apt-get install")
    # Chromium for the browser tests, java for the HTML checker, npm for `make test`'s npm ci.
    for package in ("chromium", "default-jre-headless", "npm"):
        assert re.search(rf"\s{package}\b", install["run"]), package
    steps = job["steps"]
    run = step_running(job, ".ci/run")
    assert run["run"].strip() == "bash .ci/run"
    assert steps.index(install) < steps.index(run)
    keys = [cache["with"]["key"] for cache in steps_using(job, "actions/cache")]
    assert any("hashFiles('requirements/constraints.txt')" in key for key in keys)
    assert any("hashFiles('package-lock.json')" in key for key in keys)
