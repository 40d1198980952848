import { z } from "zod";
import { countSchema } from "../http.js";

/** The release assets the GitHub client returns; checked here too, as it is all this collector reads. */
export const ReleaseAssets = z.array(
  z.object({ releaseId: z.number().int(), assetId: z.number().int(), name: z.string(), downloadCount: countSchema }),
);
export type ReleaseAssets = z.infer<typeof ReleaseAssets>;
