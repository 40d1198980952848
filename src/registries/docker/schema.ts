import { z } from "zod";
import { countSchema } from "../http.js";

/** `GET /v2/namespaces/{namespace}/repositories/{repository}`: all-time pulls and stars. */
export const DockerRepository = z.object({ pull_count: countSchema, star_count: countSchema.optional() });
export type DockerRepository = z.infer<typeof DockerRepository>;
