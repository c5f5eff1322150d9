using System.ComponentModel.DataAnnotations;
using CreditDecision.Core.Validation;

namespace CreditDecision.Api.Models;

/// <summary>
/// Configuration section <c>ModelValidation</c>: the traffic lights of the performance report. A grade is amber when
/// its one-sided binomial p-value is below <see cref="CalibrationAmber"/> and red below <see cref="CalibrationRed"/>
/// (the Basel traffic-light zones for PD back-testing at 95 % and 99.9 %); a population index (PSI) is amber from
/// <see cref="StabilityAmber"/> and red above <see cref="StabilityRed"/> (the industry's usual 0.10 and 0.25).
/// </summary>
public sealed class ModelValidationOptions
{
    public const string Section = "ModelValidation";

    [Range(1e-9, 0.5)] public double CalibrationAmber { get; set; } = 0.05;
    [Range(1e-12, 0.5)] public double CalibrationRed { get; set; } = 0.001;
    [Range(0.0, 10.0)] public double StabilityAmber { get; set; } = 0.10;
    [Range(0.0, 10.0)] public double StabilityRed { get; set; } = 0.25;

    public ValidationThresholds Thresholds =>
        new(new CalibrationThresholds(CalibrationAmber, CalibrationRed), new StabilityThresholds(StabilityAmber, StabilityRed));
}
