"""Full pass over the enterprise directory in-process: `python -m simulator.bench [enterprises] [page size]`.

Prints the time of the walk, of one deep page, and the peak RSS of the process.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import time

import httpx

from simulator.app import create_app
from simulator.config import SimulatorConfig


async def walk(enterprises: int, page_size: int) -> None:
    config = SimulatorConfig(enterprises=enterprises)
    transport = httpx.ASGITransport(app=create_app(config))
    async with httpx.AsyncClient(transport=transport, base_url="http://sim", timeout=600) as client:
        token = (await client.post("/api/v1/auth/token", json={
            "clientId": config.client_id, "clientSecret": config.client_secret})).json()["data"]["accessToken"]
        headers = {"Authorization": f"Bearer {token}"}
        deep = max(1, enterprises // page_size * 3 // 4)
        started = time.perf_counter()
        response = await client.get("/api/v1/enterprises", params={"pageNo": deep, "pageSize": page_size}, headers=headers)
        print(f"deep page {deep}: {(time.perf_counter() - started) * 1000:.1f} ms, "
              f"{len(response.json()['data']['records'])} records")
        started = time.perf_counter()
        seen = 0
        page_no = 1
        while True:
            response = await client.get("/api/v1/enterprises", params={"pageNo": page_no, "pageSize": page_size},
                                        headers=headers)
            records = response.json()["data"]["records"]
            seen += len(records)
            if len(records) < page_size:
                break
            page_no += 1
        elapsed = time.perf_counter() - started
        print(f"walked {seen} enterprises in {page_no} pages: {elapsed:.1f} s "
              f"({elapsed / page_no * 1000:.1f} ms a page)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    arguments = [int(value) for value in sys.argv[1:3]]
    asyncio.run(walk(*(arguments + [1_000_000, 500][len(arguments):])))
