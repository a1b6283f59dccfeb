using AgentManager.Graph;
using CsCheck;

namespace AgentManager.Tests.Graph;

public sealed class TaskIndexTests
{
    /// <summary>Adds, removals (which shift later slots back) and growth, against a dictionary.</summary>
    [Fact]
    public void Operations_RandomSequences_MatchADictionary()
    {
        var op = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 60]);
        op.Array[1, 300].Sample(ops =>
        {
            var index = new TaskIndex();
            var model = new Dictionary<string, int>(StringComparer.Ordinal);
            var value = 0;
            foreach (var (kind, key) in ops)
            {
                var id = "t" + key;
                if (kind == 0)
                {
                    Assert.Equal(model.TryAdd(id, value), index.TryAdd(id, value));
                    value++;
                }
                else if (kind == 1)
                {
                    var had = model.Remove(id, out var expected);
                    Assert.Equal(had, index.Remove(id, out var removed));
                    Assert.Equal(had ? expected : -1, removed);
                }

                Assert.Equal(model.Count, index.Count);
                foreach (var probe in Enumerable.Range(0, 61).Select(k => "t" + k))
                {
                    Assert.Equal(model.TryGetValue(probe, out var v) ? v : -1, index.TryGetValue(probe, out var w) ? w : -1);
                }

                Assert.Equal(model.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)), index.Entries.OrderBy(e => e.Id, StringComparer.Ordinal));
            }
        });
    }

    [Fact]
    public void FindAll_ManyIdsInBlocks_GivesEachIndexOrMinusOne()
    {
        var index = new TaskIndex(1000);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(index.TryAdd("t" + i, i));
        }

        var keys = Enumerable.Range(0, 3000).Select(i => "t" + ((i * 7919) % 1500)).ToArray();
        var found = new int[keys.Length];
        index.FindAll(keys, found);

        for (var i = 0; i < keys.Length; i++)
        {
            var n = (i * 7919) % 1500;
            Assert.Equal(n < 1000 ? n : -1, found[i]);
        }
    }
}
