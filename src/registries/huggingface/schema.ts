import { z } from "zod";
import { countSchema } from "../http.js";

/**
 * `GET /api/{models|datasets}/{owner}/{name}?expand[]=downloads&expand[]=downloadsAllTime&expand[]=likes`:
 * `downloads` counts the last 30 days, `downloadsAllTime` since creation
 * (huggingface/huggingface_hub src/huggingface_hub/hf_api.py, ModelInfo and DatasetInfo).
 */
export const HfRepoInfo = z.object({ downloads: countSchema, downloadsAllTime: countSchema, likes: countSchema });
export type HfRepoInfo = z.infer<typeof HfRepoInfo>;
