using CreditDecision.Api.Audit;
using CreditDecision.Api.Backtests;
using CreditDecision.Api.Challenger;
using CreditDecision.Api.Cluster;
using CreditDecision.Api.WebConsole;
using CreditDecision.Api.Decisions;
using CreditDecision.Api.Finals;
using CreditDecision.Api.Drafts;
using CreditDecision.Api.Health;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Models;
using CreditDecision.Api.Monitoring;
using CreditDecision.Api.Observability;
using CreditDecision.Api.Portfolio;
using CreditDecision.Api.Rules;
using CreditDecision.Api.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddCreditDecisionInfrastructure();
builder.AddApiKeySecurity();
builder.AddRules();
builder.AddDecisions();
builder.AddDecisionLog();
builder.AddFinalDecisions();
builder.AddMonitoring();
builder.AddPortfolio();
builder.AddBacktests();
builder.AddChallenger();
builder.AddModelValidation();
builder.AddDrafts();
builder.AddCluster();
builder.AddConsole();
builder.AddObservability();

var app = builder.Build();

app.UseCreditDecisionInfrastructure();
app.UseApiKeySecurity();
app.MapDecisions();
app.MapRulesets();
app.MapMonitoring();
app.MapPortfolio();
app.MapAudit();
app.MapFinalDecisions();
app.MapBacktests();
app.MapChallenger();
app.MapModelValidation();
app.MapDrafts();
app.MapCluster();
app.MapConsole();
app.MapHealth();
app.MapObservability();
app.MapLoadBaseline();

app.Run();

/// <summary>Entry point; public so that tests can host the real application.</summary>
public partial class Program;
