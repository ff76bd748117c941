"""The provincial platform 冀上双随机, imitated: `uvicorn simulator.app:app --port 8100`.

All state is built here, not in a lifespan handler, because the service also runs the simulator in-process
through httpx.ASGITransport, which runs no lifespan. Each app holds its own state in app.state.sim.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.responses import Response

from simulator import routes_control, routes_platform, routes_pushes
from simulator.config import SimulatorConfig
from simulator.envelope import PlatformError, envelope, json_response
from simulator.gate import FaultGate
from simulator.state import SimState


def create_app(config: SimulatorConfig | None = None) -> FastAPI:
    app = FastAPI(
        title="冀上双随机 模拟平台 / provincial platform simulator",
        version="1.0",
        description="Imitation of the provincial platform (PROVINCIAL_API.md) with fault injection under /_sim.",
    )
    app.state.sim = SimState(config or SimulatorConfig())

    @app.exception_handler(PlatformError)
    async def platform_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, PlatformError)
        request_id = getattr(request.state, "request_id", None) or request.app.state.sim.next_request_id()
        return json_response(envelope(error.code, None, request_id, error.msg))

    app.include_router(routes_platform.router)
    app.include_router(routes_pushes.router)
    app.include_router(routes_control.router)
    app.add_middleware(FaultGate)
    return app


app = create_app(SimulatorConfig.from_env())
