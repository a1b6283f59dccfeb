using Microsoft.Extensions.Options;

namespace AgentManager.Hooks;

/// <summary>Checks <see cref="HookOptions"/> when the host starts, including the configuration directory's
/// <c>hooks.json</c> while hooks are enabled, and reports every problem at once.</summary>
internal sealed class HookOptionsValidator : IValidateOptions<HookOptions>
{
    public ValidateOptionsResult Validate(string? name, HookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            if (options.Enabled)
            {
                LoadHooks(options);
            }
            else
            {
                ThrowIfAny(Problems(options).ToList());
            }
        }
        catch (HookConfigurationException exception)
        {
            return ValidateOptionsResult.Fail(exception.Errors);
        }

        return ValidateOptionsResult.Success;
    }

    /// <summary>Checks the options and returns their hooks followed by the file's.</summary>
    /// <exception cref="HookConfigurationException">Every problem of the options and the file.</exception>
    internal static List<HookDefinition> LoadHooks(HookOptions options)
    {
        var errors = Problems(options).ToList();
        var hooks = options.Hooks.Where(hook => hook is not null).ToList();
        if (options.ConfigDirectory is { } directory)
        {
            var path = Path.Combine(directory, HooksFile.FileName);
            if (File.Exists(path))
            {
                try
                {
                    var names = hooks.Select(hook => hook.Name).ToHashSet(StringComparer.Ordinal);
                    var fileHooks = HooksFile.Load(path);
                    for (var i = 0; i < fileHooks.Count; i++)
                    {
                        if (!names.Add(fileHooks[i].Name))
                        {
                            errors.Add($"{Path.GetFullPath(path)}: hooks[{i}].name: '{fileHooks[i].Name}' is already the name of a hook in HookOptions.Hooks; hook names must be unique");
                        }
                    }

                    hooks.AddRange(fileHooks);
                }
                catch (HookConfigurationException exception)
                {
                    errors.AddRange(exception.Errors);
                }
            }
        }

        ThrowIfAny(errors);
        return hooks;
    }

    private static IEnumerable<string> Problems(HookOptions options)
    {
        if (options.MaxOutputChars < 1)
        {
            yield return $"HookOptions.MaxOutputChars is {options.MaxOutputChars}; it must be at least 1.";
        }

        if (options.MaxConcurrentRuns < 1)
        {
            yield return $"HookOptions.MaxConcurrentRuns is {options.MaxConcurrentRuns}; it must be at least 1.";
        }

        if (options.MaxContextValueChars < 1)
        {
            yield return $"HookOptions.MaxContextValueChars is {options.MaxContextValueChars}; it must be at least 1.";
        }

        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < options.Hooks.Count; i++)
        {
            var hook = options.Hooks[i];
            var at = $"HookOptions.Hooks[{i}]";
            if (hook is null)
            {
                yield return $"{at}: the entry is null.";
                continue;
            }

            foreach (var problem in hook.Problems())
            {
                yield return $"{at}.{problem}";
            }

            if (!firstIndex.TryAdd(hook.Name, i))
            {
                yield return $"{at}.name: '{hook.Name}' is already the name of HookOptions.Hooks[{firstIndex[hook.Name]}]; hook names must be unique";
            }
        }
    }

    private static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new HookConfigurationException(errors);
        }
    }
}
