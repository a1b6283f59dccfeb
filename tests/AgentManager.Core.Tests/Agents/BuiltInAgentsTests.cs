using AgentManager.Agents;

namespace AgentManager.Tests.Agents;

public sealed class BuiltInAgentsTests
{
    [Fact]
    public void All_ManagerSupervisorHighWorkerLow()
    {
        Assert.Equal(["manager", "supervisor", "worker"], BuiltInAgents.All.Select(profile => profile.AgentId));
        Assert.Equal(AgentLayer.High, BuiltInAgents.Manager.Layer);
        Assert.Equal(AgentLayer.High, BuiltInAgents.Supervisor.Layer);
        Assert.Equal(AgentLayer.Low, BuiltInAgents.Worker.Layer);
    }

    [Fact]
    public void All_ValidWithPromptsAndNoRunner()
    {
        foreach (var profile in BuiltInAgents.All)
        {
            profile.Validate();
            Assert.NotEmpty(profile.Prompt);
            Assert.NotEmpty(profile.Description);
            Assert.Null(profile.Runner);
        }
    }

    [Fact]
    public void Worker_IsolatedWithSandboxSkill()
    {
        Assert.Equal(WorkdirMode.Isolated, BuiltInAgents.Worker.Workdir.Mode);
        Assert.Equal("sandbox-execution", Assert.Single(BuiltInAgents.Worker.Skills).Name);
    }
}
