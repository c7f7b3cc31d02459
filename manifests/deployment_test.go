package manifests

import (
	"path"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deployment is the part of deployment.yaml the design depends on.
type deployment struct {
	Spec struct {
		Replicas *int `yaml:"replicas"`
		Strategy struct {
			Type string `yaml:"type"`
		} `yaml:"strategy"`
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec podSpec `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type podSpec struct {
	TerminationGracePeriodSeconds int `yaml:"terminationGracePeriodSeconds"`
	SecurityContext               struct {
		RunAsNonRoot   *bool `yaml:"runAsNonRoot"`
		RunAsUser      int   `yaml:"runAsUser"`
		FSGroup        int   `yaml:"fsGroup"`
		SeccompProfile struct {
			Type string `yaml:"type"`
		} `yaml:"seccompProfile"`
	} `yaml:"securityContext"`
	Containers []container `yaml:"containers"`
	Volumes    []struct {
		Name                  string `yaml:"name"`
		PersistentVolumeClaim *struct {
			ClaimName string `yaml:"claimName"`
		} `yaml:"persistentVolumeClaim"`
	} `yaml:"volumes"`
}

type container struct {
	Image string `yaml:"image"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	EnvFrom []struct {
		ConfigMapRef *struct {
			Name string `yaml:"name"`
		} `yaml:"configMapRef"`
		SecretRef *struct {
			Name string `yaml:"name"`
		} `yaml:"secretRef"`
	} `yaml:"envFrom"`
	LivenessProbe  probe `yaml:"livenessProbe"`
	ReadinessProbe probe `yaml:"readinessProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext struct {
		ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		Capabilities             struct {
			Drop []string `yaml:"drop"`
		} `yaml:"capabilities"`
	} `yaml:"securityContext"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

// mustDeployment decodes the Deployment and its single container.
func mustDeployment(t *testing.T) (deployment, container) {
	t.Helper()
	var d deployment
	mustDecode(t, mustKubeObjects(t), "Deployment/preorderbot", &d)
	require.Len(t, d.Spec.Template.Spec.Containers, 1)
	return d, d.Spec.Template.Spec.Containers[0]
}

func TestDeploymentSingleOwner(t *testing.T) {
	d, _ := mustDeployment(t)
	// One Socket Mode connection and one bbolt writer: never two pods, not even during an update.
	require.NotNil(t, d.Spec.Replicas, "replicas must be explicit")
	assert.Equal(t, 1, *d.Spec.Replicas)
	assert.Equal(t, "Recreate", d.Spec.Strategy.Type)
	assert.Subset(t, d.Spec.Template.Metadata.Labels, d.Spec.Selector.MatchLabels)
}

func TestDeploymentProbes(t *testing.T) {
	_, c := mustDeployment(t)
	require.Len(t, c.Ports, 1)
	assert.Equal(t, "http", c.Ports[0].Name)
	assert.Equal(t, 8080, c.Ports[0].ContainerPort)

	tests := map[string]struct {
		probe probe
		path  string
	}{
		"liveness":  {probe: c.LivenessProbe, path: "/healthz"},
		"readiness": {probe: c.ReadinessProbe, path: "/readyz"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.path, tt.probe.HTTPGet.Path)
			assert.Equal(t, "http", tt.probe.HTTPGet.Port)
		})
	}
}

func TestDeploymentSecurity(t *testing.T) {
	d, c := mustDeployment(t)
	pod := d.Spec.Template.Spec

	require.NotNil(t, pod.SecurityContext.RunAsNonRoot)
	assert.True(t, *pod.SecurityContext.RunAsNonRoot)
	assert.Equal(t, 65532, pod.SecurityContext.RunAsUser)
	assert.Equal(t, 65532, pod.SecurityContext.FSGroup)
	assert.Equal(t, "RuntimeDefault", pod.SecurityContext.SeccompProfile.Type)

	require.NotNil(t, c.SecurityContext.ReadOnlyRootFilesystem)
	assert.True(t, *c.SecurityContext.ReadOnlyRootFilesystem)
	require.NotNil(t, c.SecurityContext.AllowPrivilegeEscalation)
	assert.False(t, *c.SecurityContext.AllowPrivilegeEscalation)
	assert.Equal(t, []string{"ALL"}, c.SecurityContext.Capabilities.Drop)

	// The bot drains work for up to 30 s after SIGTERM.
	assert.Greater(t, pod.TerminationGracePeriodSeconds, 30)

	assert.Equal(t, map[string]string{"cpu": "50m", "memory": "64Mi"}, c.Resources.Requests)
	assert.Equal(t, map[string]string{"cpu": "500m", "memory": "256Mi"}, c.Resources.Limits)
}

func TestDeploymentDatabaseOnVolume(t *testing.T) {
	d, c := mustDeployment(t)

	var claimVolume string
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == "preorderbot-data" {
			claimVolume = v.Name
		}
	}
	require.NotEmpty(t, claimVolume, "no volume from the preorderbot-data claim")

	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	assert.Equal(t, "/data", mounts[claimVolume])

	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	// With a read-only root filesystem the database must sit on the claim, or the bot cannot start.
	assert.Equal(t, "/data/preorderbot.db", env["PREORDERBOT_DB_PATH"])
	assert.Equal(t, mounts[claimVolume], path.Dir(env["PREORDERBOT_DB_PATH"]))
	assert.Equal(t, ":8080", env["PREORDERBOT_HTTP_ADDR"])
}

func TestDeploymentEnvFrom(t *testing.T) {
	_, c := mustDeployment(t)
	var configMaps, secrets []string
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef != nil {
			configMaps = append(configMaps, from.ConfigMapRef.Name)
		}
		if from.SecretRef != nil {
			secrets = append(secrets, from.SecretRef.Name)
		}
	}
	assert.Equal(t, []string{"preorderbot-config"}, configMaps)
	assert.Equal(t, []string{"preorderbot-secrets"}, secrets)
}
