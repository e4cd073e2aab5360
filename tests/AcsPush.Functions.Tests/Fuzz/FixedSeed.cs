using CsCheck;

namespace AcsPush.Functions.Tests.Fuzz;

/// <summary>
/// Cases from a CsCheck generator in a fixed order: the same seed gives the same cases on every run and machine, so a
/// failure names a case number that reproduces. (CsCheck's own <c>Sample</c> fixes only its first iteration's seed.)
/// </summary>
internal static class FixedSeed
{
    public static IEnumerable<T> Cases<T>(Gen<T> gen, int count, ulong seed)
    {
        var pcg = new PCG(stream: 1, seed);
        for (var i = 0; i < count; i++)
        {
            yield return gen.Generate(pcg, null, out _);
        }
    }
}
