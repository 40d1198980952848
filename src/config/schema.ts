import cron from "node-cron";
import { z } from "zod";
import { repoNameProblem } from "../github/names.js";
import { registriesConfigSchema } from "../registries/config.js";
import { packageNameProblem, registryIds } from "../registries/index.js";
import { isDay } from "../util/time.js";

const eventWeights = z
  .strictObject({
    commits: z.number().min(0).default(1).describe("weight of a commit on the default branch"),
    issues_opened: z.number().min(0).default(1).describe("weight of an issue opened"),
    issues_closed: z.number().min(0).default(1).describe("weight of an issue closed"),
    prs_opened: z.number().min(0).default(1).describe("weight of a pull request opened"),
    prs_merged: z.number().min(0).default(1).describe("weight of a pull request merged"),
    releases: z.number().min(0).default(1).describe("weight of a release published"),
  })
  .prefault({});

const userWeights = z
  .strictObject({
    stars: z.number().min(0).default(1).describe("weight of one star"),
    downloads: z.number().min(0).default(1).describe("weight of one download in the 30-day window"),
  })
  .prefault({});

export const modelSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "use lower-case letters, digits, '-' and '_'"),
  description: z.string().optional(),
  alpha: z.number().min(0).default(1).describe("weight of brand influence B"),
  beta: z.number().min(0).default(1).describe("weight of technical accumulation C"),
  gamma: z.number().min(0).default(1).describe("weight of commercial reach D"),
  k: z.number().min(0).default(1).describe("B = k * ln(1 + A)"),
  m: z.number().min(0).default(1).describe("C = m * N"),
  n: z.number().min(0).default(1).describe("D = n * U"),
  window: z.number().int().min(1).max(3650).default(90).describe("activity window in days, ending on the day"),
  contributors: z
    .enum(["cumulative", "active"])
    .default("cumulative")
    .describe("N counts everyone up to the day, or those active within the window"),
  events: eventWeights,
  users: userWeights,
});
export type ModelConfig = z.infer<typeof modelSchema>;

export const SEED_MODEL: ModelConfig = modelSchema.parse({ name: "seed" });

const packageSchema = z.strictObject({
  registry: z.string().refine((id) => registryIds.includes(id), { message: "unknown registry" }),
  name: z.string().min(1),
});

/** A dated decision on the project's timeline (a licence change, a release of weights, an SDK). */
const eventSchema = z.strictObject({
  day: z.string().refine(isDay, { message: "must be a day YYYY-MM-DD" }).describe("the UTC day the decision took effect"),
  label: z.string().trim().min(1, "must not be empty").max(200).describe("what was decided; `explain --event` finds it by this label"),
});

const projectSchema = z.strictObject({
  // Trimmed, so "a " is the project "a" (and a second entry for it is a duplicate), never a second project.
  name: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/, "use letters, digits, spaces, '.', '-' and '_'"),
  repos: z.array(z.string()).default([]).describe("GitHub repositories, as owner/repo"),
  packages: z.array(packageSchema).default([]).describe("registry packages whose downloads count as users"),
  events: z.array(eventSchema).default([]).describe("dated decisions, drawn on the report and compared by `explain --event`"),
});

const githubSchema = z
  .strictObject({
    apiUrl: z.url({ protocol: /^https?$/ }).default("https://api.github.com").describe("REST base URL (GitHub Enterprise: https://HOST/api/v3)"),
    graphqlUrl: z.url({ protocol: /^https?$/ }).optional().describe("GraphQL endpoint; derived from apiUrl when absent"),
    graphql: z.enum(["auto", "always", "never"]).default("auto").describe("batch snapshots through GraphQL (needs a token)"),
    timeoutMs: z.number().int().min(100).max(600_000).default(30_000).describe("per-attempt request timeout"),
    concurrency: z.number().int().min(1).max(16).default(4).describe("repositories collected at once"),
    restPointsPerMinute: z.number().int().min(1).default(900).describe("REST requests sent in any minute, 304s included (GitHub's secondary limit)"),
    graphqlPointsPerMinute: z.number().int().min(1).default(2000).describe("GraphQL queries sent in any minute (GitHub's secondary limit)"),
    userAgent: z.string().min(1).default("oss-pulse").describe("User-Agent sent to GitHub"),
    retryBaseMs: z.number().int().min(0).max(60_000).default(1000).describe("base of retry back-off and rate-limit waits, in ms per second of wait"),
  })
  .prefault({});

const scheduleSchema = z
  .strictObject({
    collect: z.string().default("0 3 * * *").describe("cron expression of the daily collection"),
    timezone: z.string().default("UTC").describe("IANA timezone the cron expressions are read in"),
  })
  .prefault({});

export const configSchema = z
  .strictObject({
    database: z.string().min(1).default("data/oss-pulse.db").describe("SQLite file, relative to the working directory; ~/ is the home directory"),
    github: githubSchema,
    registries: registriesConfigSchema,
    schedule: scheduleSchema,
    bots: z.array(z.string().min(1)).default([]).describe("extra bot logins or e-mails to exclude from contributors"),
    projects: z.array(projectSchema).min(1, "track at least one project"),
    models: z.array(modelSchema).default([SEED_MODEL]),
    defaultModel: z.string().optional().describe("the model printed when none is named; the first by default"),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.projects.forEach((project, i) => {
      if (seen.has(project.name.toLowerCase())) {
        ctx.addIssue({ code: "custom", path: ["projects", i, "name"], message: `duplicate project name "${project.name}"` });
      }
      seen.add(project.name.toLowerCase());
      const repos = new Set<string>();
      project.repos.forEach((repo, j) => {
        const problem = repoNameProblem(repo);
        if (problem) ctx.addIssue({ code: "custom", path: ["projects", i, "repos", j], message: problem });
        else if (repos.has(repo.toLowerCase())) {
          ctx.addIssue({ code: "custom", path: ["projects", i, "repos", j], message: `duplicate repository "${repo}"` });
        }
        repos.add(repo.toLowerCase());
      });
      const packages = new Set<string>();
      project.packages.forEach((pkg, j) => {
        const problem = packageNameProblem(pkg.registry, pkg.name);
        if (problem) ctx.addIssue({ code: "custom", path: ["projects", i, "packages", j, "name"], message: problem });
        const key = `${pkg.registry}:${pkg.name}`;
        if (packages.has(key)) {
          ctx.addIssue({ code: "custom", path: ["projects", i, "packages", j], message: `duplicate package "${key}"` });
        }
        packages.add(key);
      });
      const labels = new Set<string>();
      project.events.forEach((event, j) => {
        if (labels.has(event.label)) ctx.addIssue({ code: "custom", path: ["projects", i, "events", j, "label"], message: `duplicate event label "${event.label}"` });
        labels.add(event.label);
      });
      if (project.repos.length === 0 && project.packages.length === 0) {
        ctx.addIssue({ code: "custom", path: ["projects", i], message: "a project needs at least one repo or package" });
      }
    });
    const models = new Set<string>();
    config.models.forEach((model, i) => {
      if (models.has(model.name)) {
        ctx.addIssue({ code: "custom", path: ["models", i, "name"], message: `duplicate model name "${model.name}"` });
      }
      models.add(model.name);
    });
    if (config.models.length === 0) ctx.addIssue({ code: "custom", path: ["models"], message: "define at least one model" });
    if (config.defaultModel && !models.has(config.defaultModel)) {
      ctx.addIssue({ code: "custom", path: ["defaultModel"], message: `no model named "${config.defaultModel}"` });
    }
    if (!cron.validate(config.schedule.collect)) {
      ctx.addIssue({ code: "custom", path: ["schedule", "collect"], message: `invalid cron expression "${config.schedule.collect}"` });
    }
    if (!isTimeZone(config.schedule.timezone)) {
      ctx.addIssue({ code: "custom", path: ["schedule", "timezone"], message: `unknown timezone "${config.schedule.timezone}"` });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type ProjectConfig = Config["projects"][number];
export type PackageConfig = ProjectConfig["packages"][number];

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
