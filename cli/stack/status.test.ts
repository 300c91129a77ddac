import { describe, expect, it } from "vitest";
import { oldestBuild, renderImages, renderOps } from "./status.js";

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

describe("status: the ops service", () => {
  it("shows the autoscaler's last decision, the certificates' next renewal, and what failed", () => {
    const text = renderOps({
      autoscale: "on",
      state: {
        heartbeat: "2026-12-08T02:21:12.400Z",
        autoscale: {
          at: "2026-12-08T02:21:12.367Z",
          ...{ action: "up", from: 3, to: 4, applied: true, capped: false },
          reason: "CPU 85 % > 70 % for 2 minutes",
        },
        certificates: { checkedAt: "2026-12-08T02:18:26.230Z", due: [] },
        renewed: { at: "2026-12-08T02:19:00.836Z", certificates: ["redis"], ok: true },
        error: { at: "2026-12-08T02:21:42.000Z", message: "Prometheus did not answer" },
      },
      nextRenewal: { certificate: "server", at: "2027-11-06T02:00:00.000Z" },
    });
    expect(text.split("\n")).toEqual([
      "Ops service:",
      "  autoscaler: on; 02:21:12 up 3 -> 4: CPU 85 % > 70 % for 2 minutes",
      "  certificates: checked 2026-12-08T02:18:26Z, none due; next renewal: server on 2027-11-06",
      "  last renewal: 2026-12-08T02:19:00Z redis (done)",
      "  last round FAILED at 2026-12-08T02:21:42Z: Prometheus did not answer",
    ]);
    expect(renderOps({ autoscale: "off", state: {} })).toBe(
      "Ops service:\n  autoscaler: off\n  certificates: not checked yet",
    );
  });
});
