namespace CreditDecision.Api.Tests;

/// <summary>Tests that load the whole machine or measure the whole process: run after the parallel tests, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WholeMachineCollection
{
    public const string Name = "Whole machine";
}
