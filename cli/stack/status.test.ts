import { describe, expect, it } from "vitest";
import { oldestBuild, renderImages } from "./status.js";

describe("status: the images", () => {
  const now = Date.parse("2026-12-07T12:00:00Z");
  it("names the oldest build and its age, and the images missing from this host", () => {
    const images = [
      { ref: "stevie-stack/api:c-1", built: "2026-12-07T08:00:00Z" },
      { ref: "stevie-stack/nginx:c-2", built: "2026-11-06T10:00:00Z" },
      { ref: "stevie-stack/redis:c-3" },
    ];
    expect(oldestBuild(images, now)).toEqual({ at: "2026-11-06T10:00:00Z", days: 31 });
    expect(oldestBuild(images.slice(2), now)).toBeUndefined();
    expect(renderImages(images, now)).toBe(
      "Images: 3, the oldest built 2026-11-06 (31 days ago)\n  not on this host: stevie-stack/redis:c-3",
    );
    expect(renderImages(images.slice(0, 1), now)).toBe("Images: 1, the oldest built 2026-12-07 (today)");
    expect(renderImages([], now)).toBe("Images: 0");
  });
});
