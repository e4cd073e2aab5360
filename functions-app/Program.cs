using AcsPush.Functions;
using AcsPush.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddApplicationServices();
builder.Services.AddWorkerTelemetry(builder.Configuration);
builder.Build().Run();
